-- One row that /v1/health writes while database writes are failing, to find out whether they
-- work again (a disk that was full and has been freed).
CREATE TABLE write_probe (
    id BIGINT PRIMARY KEY,
    at_ms BIGINT NOT NULL
);
