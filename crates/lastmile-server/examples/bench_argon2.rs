//! The cost of one recovery-code check with the chosen argon2id parameters.
//!
//!     cargo run --release -p lastmile-server --example bench_argon2

use std::time::Instant;

use lastmile_server::recovery::{M_COST_KIB, Memory, P_COST, T_COST, hash, matches};

#[allow(clippy::print_stdout)]
fn main() -> anyhow::Result<()> {
    let runs = 30;
    let mut memory = Memory::new();
    let phc = hash("ABCDEFGHJKMNPQRS", &mut memory)?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        assert!(matches("ABCDEFGHJKMNPQRS", &phc, &mut memory)?);
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "| argon2id m={M_COST_KIB} KiB, t={T_COST}, p={P_COST} | median {:.1} ms | max {:.1} ms | worst case for a set of 10: {:.0} ms |",
        times[runs / 2],
        times[runs - 1],
        times[runs / 2] * 10.0
    );
    Ok(())
}
