//! The long fuzzing run of the ELF and descriptor readers (`make fuzz`):
//! mutates real shared objects (flips, extreme words, cuts) for as long as
//! asked and fails on the first panic. `cargo test` runs a bounded sample of
//! the same mutations.
//!
//! Usage: fuzz_elf SECONDS FILE...

use criu_plugin::fuzz::{XorShift, exercise, mutate};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args
        .next()
        .and_then(|s| s.parse().ok())
        .expect("usage: fuzz_elf SECONDS FILE...");
    let bases: Vec<Vec<u8>> = args
        .map(|f| std::fs::read(&f).expect("a readable file"))
        .collect();
    assert!(!bases.is_empty(), "usage: fuzz_elf SECONDS FILE...");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64 | 1);
    println!(
        "fuzz_elf: seed {seed:#x}, {} files, {seconds} s",
        bases.len()
    );
    let mut rng = XorShift(seed);
    let end = Instant::now() + Duration::from_secs(seconds);
    let mut runs = 0u64;
    while Instant::now() < end {
        for base in &bases {
            let bytes = mutate(base, &mut rng);
            std::hint::black_box(exercise(&bytes));
            runs += 1;
        }
    }
    println!("fuzz_elf: {runs} mutated objects read, no panic");
}
