//! Placeholders for statements over many rows (`IN (...)`, multi-row `VALUES`), numbered
//! `$1, $2, ...` as both SQLite and PostgreSQL read them.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

/// `$start, ..., $(start + n - 1)`.
pub fn params(start: usize, n: usize) -> String {
    (start..start + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// `n` rows of `width` placeholders: `($1, $2), ($3, $4)` for 2 rows of 2.
pub fn rows(n: usize, width: usize) -> String {
    (0..n).map(|r| format!("({})", params(1 + r * width, width))).collect::<Vec<_>>().join(", ")
}

/// The placeholders of an `IN (...)` list of `n` values: `n` rounded up to a power of two,
/// so that a handful of statement texts serve every batch size (each text is prepared once
/// per connection and cached; one text per size overflowed the cache and re-prepared).
pub fn in_list(n: usize) -> String {
    params(1, n.max(1).next_power_of_two())
}

/// Binds the values of an [`in_list`], the last one again as padding.
pub fn bind_all<'q>(
    mut query: Query<'q, Any, AnyArguments<'q>>,
    values: &'q [&'q str],
) -> Query<'q, Any, AnyArguments<'q>> {
    let padded = values.len().max(1).next_power_of_two();
    for i in 0..padded {
        query = query.bind(values.get(i).or(values.last()).copied().unwrap_or_default());
    }
    query
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbered_in_order() {
        assert_eq!(super::params(3, 2), "$3, $4");
        assert_eq!(super::rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::rows(1, 1), "($1)");
        assert_eq!(super::in_list(3), "$1, $2, $3, $4");
        assert_eq!(super::in_list(0), "$1");
    }
}
