//! The two migration folders build the same schema: every migration is run on a fresh SQLite
//! database and on a throwaway PostgreSQL server (scripts/postgres.sh), and the resulting
//! tables are compared as each database describes them: columns with their type (as a family:
//! integer, text, bytes, boolean, real) and nullability, primary keys, unique constraints and
//! indexes, and foreign keys. (The throwaway server is the end-to-end tests' `Postgres`.)

use lastmile_server::db::Db;
use sqlx::{AnyPool, Row};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    /// Column -> (type family, NOT NULL).
    columns: BTreeMap<String, (String, bool)>,
    primary_key: BTreeSet<String>,
    /// Each unique constraint or index (not the primary key) as its set of columns.
    uniques: BTreeSet<BTreeSet<String>>,
    /// (column, referenced table, referenced column).
    foreign_keys: BTreeSet<(String, String, String)>,
}

type Schema = BTreeMap<String, Table>;

/// One name per type family, whatever each database calls it.
fn family(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    let f = if t.contains("int") || t.contains("serial") {
        "integer"
    } else if t.contains("char") || t.contains("text") || t.contains("clob") {
        "text"
    } else if t.contains("blob") || t.contains("bytea") {
        "bytes"
    } else if t.contains("bool") {
        "boolean"
    } else if t.contains("real") || t.contains("double") || t.contains("float") || t.contains("numeric") {
        "real"
    } else {
        return format!("other: {t}");
    };
    f.to_string()
}

async fn strings(pool: &AnyPool, sql: &str, bind: &str) -> Vec<Vec<String>> {
    let rows = sqlx::query(sql).bind(bind).fetch_all(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter().map(|r| (0..r.len()).map(|i| r.get::<String, _>(i)).collect()).collect()
}

async fn sqlite_schema(pool: &AnyPool) -> Schema {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    let mut schema = Schema::new();
    for name in tables {
        let mut t = Table::default();
        for c in strings(
            pool,
            "SELECT name, type, CAST(\"notnull\" AS TEXT), CAST(pk AS TEXT) FROM pragma_table_info($1)",
            &name,
        )
        .await
        {
            // SQLite lets a primary key column hold NULL unless it says NOT NULL (a legacy
            // quirk); PostgreSQL never does. The intent, a key, is what is compared.
            let primary = c[3] != "0";
            t.columns.insert(c[0].clone(), (family(&c[1]), c[2] == "1" || primary));
            if primary {
                t.primary_key.insert(c[0].clone());
            }
        }
        for index in
            strings(pool, "SELECT name, CAST(\"unique\" AS TEXT), origin FROM pragma_index_list($1)", &name).await
        {
            if index[1] == "1" && index[2] != "pk" {
                let columns = strings(pool, "SELECT name FROM pragma_index_info($1)", &index[0]).await;
                t.uniques.insert(columns.into_iter().map(|c| c[0].clone()).collect());
            }
        }
        for fk in strings(pool, "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list($1)", &name).await {
            t.foreign_keys.insert((fk[1].clone(), fk[0].clone(), fk[2].clone()));
        }
        schema.insert(name, t);
    }
    schema
}

async fn postgres_schema(pool: &AnyPool) -> Schema {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    let mut schema = Schema::new();
    for name in tables {
        let mut t = Table::default();
        let columns = "SELECT column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
                       WHERE table_schema = 'public' AND table_name = $1";
        for c in strings(pool, columns, &name).await {
            t.columns.insert(c[0].clone(), (family(&c[1]), c[2] == "NO"));
        }
        let indexes = "SELECT c.relname::text, a.attname::text, CASE WHEN i.indisprimary THEN 'pk' ELSE 'u' END \
                       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
                       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
                       WHERE i.indrelid = $1::regclass AND i.indisunique";
        let mut uniques: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for i in strings(pool, indexes, &name).await {
            if i[2] == "pk" {
                t.primary_key.insert(i[1].clone());
            } else {
                uniques.entry(i[0].clone()).or_default().insert(i[1].clone());
            }
        }
        t.uniques = uniques.into_values().collect();
        let fks = "SELECT a.attname::text, r.relname::text, ra.attname::text \
                   FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid \
                   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] \
                   JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = k.confkey[1] \
                   WHERE k.contype = 'f' AND k.conrelid = $1::regclass";
        for fk in strings(pool, fks, &name).await {
            t.foreign_keys.insert((fk[0].clone(), fk[1].clone(), fk[2].clone()));
        }
        schema.insert(name, t);
    }
    schema
}

#[tokio::test]
async fn both_migration_folders_build_the_same_schema() {
    let dir = tempfile::tempdir().expect("dir");
    let sqlite = Db::open_sqlite(dir.path()).await.expect("SQLite");
    let pg = lastmile_tests::Postgres::start().expect("PostgreSQL (scripts/setup.sh --test installs it)");
    let postgres = Db::open(&pg.database("lockstep").expect("a database")).await.expect("PostgreSQL");
    let (s, p) = (sqlite_schema(&sqlite.pool).await, postgres_schema(&postgres.pool).await);
    assert!(s.len() > 10, "the SQLite schema was read: {s:?}");
    assert_eq!(s.keys().collect::<Vec<_>>(), p.keys().collect::<Vec<_>>(), "the same tables");
    let mut differences = Vec::new();
    for (name, table) in &s {
        let other = &p[name];
        if table != other {
            differences.push(format!("{name}:\n  SQLite     {table:?}\n  PostgreSQL {other:?}"));
        }
    }
    assert!(differences.is_empty(), "{} tables differ:\n{}", differences.len(), differences.join("\n"));
}

/// A database made before proof of use (migrations up to 0017, with an organisation, a user and
/// a verified factor in it) is upgraded by the server's own start: the factor gets its user's
/// organisation (migration 0018's backfill), no last use, and counts on the dashboard.
#[tokio::test]
async fn a_database_from_before_proof_of_use_is_upgraded_with_its_factors_organisations() {
    let dir = tempfile::tempdir().expect("dir");
    let older = dir.path().join("migrations");
    std::fs::create_dir(&older).expect("dir");
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    let mut copied = 0;
    for entry in std::fs::read_dir(&source).expect("migrations") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if name.as_str() < "0018" {
            std::fs::copy(&path, older.join(&name)).expect("copy");
            copied += 1;
        }
    }
    assert_eq!(copied, 17);
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("data");
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=rwc", data.join(lastmile_server::db::SQLITE_FILE).display());
    let pool = AnyPool::connect(&url).await.expect("connect");
    sqlx::migrate::Migrator::new(older.as_path()).await.expect("migrator").run(&pool).await.expect("to 0017");
    for statement in [
        "INSERT INTO organisations (id, slug, name, created_at_ms) VALUES ('org_1', 'acme', 'Acme', 1)",
        "INSERT INTO users (id, org_id, email, display_name, created_at_ms) VALUES ('usr_1', 'org_1', 'ada@acme.test', 'Ada', 1)",
        "INSERT INTO factors (id, user_id, kind, status, created_at_ms, verified_at_ms) \
         VALUES ('fac_1', 'usr_1', 'totp', 'verified', 1, 2)",
    ] {
        sqlx::query(statement).execute(&pool).await.expect(statement);
    }
    pool.close().await;

    let db = Db::open_sqlite(&data).await.expect("the server's start migrates the rest");
    let row = sqlx::query("SELECT org_id, last_used_at_ms FROM factors WHERE id = 'fac_1'")
        .fetch_one(&db.pool)
        .await
        .expect("factor");
    assert_eq!((row.get::<Option<String>, _>(0), row.get::<Option<i64>, _>(1)), (Some("org_1".into()), None));
    let org = lastmile_server::store::Org { id: "org_1".into(), slug: "acme".into(), name: "Acme".into() };
    let d = lastmile_server::dashboard::build(&db.pool, &org, lastmile_core::clock::UnixMillis(10))
        .await
        .expect("dashboard");
    assert_eq!(
        (d.factor_use.len(), d.factor_use[0].verified, d.factor_use[0].never_used),
        (1, 1, 1),
        "{:?}",
        d.factor_use
    );
    assert_eq!(d.never_used[0].email, "ada@acme.test");
}
