//! Benchmark helper for `make bench` (bench/run.py): the cost of a hook call
//! through the Rust API, both ways: the free function
//! `criu_plugin::api::pause_devices` (it takes the registry's lock) and
//! `Session::pause_devices` (no lock: the session keeps init and fini out).
//!
//! ```text
//! bench_dispatch dispatch DIR ITERS BATCHES CHAIN
//!     opens a session on DIR (CHAIN plugins with PAUSE_DEVICES,
//!     bench/gen-plugins.py), makes the last one answer 0 and the others
//!     -ENOTSUP, and prints the median over BATCHES batches of ITERS calls
//!     (process CPU time) of each way, the two alternating, as
//!     "rust_api_ns NS" and "rust_session_ns NS"
//! bench_dispatch mem DIR CALLS
//!     prints "rust_api_allocs_per_call N" and "rust_session_allocs_per_call
//!     N" (needs LD_PRELOAD=malloc_count.so, bench/malloc_count.c)
//! ```
//!
//! Run it with `cargo run --release --example bench_dispatch -- ...`.

use criu_plugin::Hook;
use criu_plugin::api::{self, Answer, Session, Stage};
use std::ffi::{CString, c_int, c_long, c_ulong};
use std::hint::black_box;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::exit;

/// `struct mc_stats` of bench/malloc_count.h.
#[repr(C)]
#[derive(Default)]
struct McStats {
    allocs: c_ulong,
    frees: c_ulong,
    bytes: c_ulong,
    live: c_long,
}

type McSnapshot = unsafe extern "C" fn(*mut McStats);

fn fail(msg: &str) -> ! {
    eprintln!("bench_dispatch: {msg}");
    exit(1)
}

/// Opens a session on `dir`, checks the PAUSE_DEVICES chain holds `chain`
/// plugins (any, with None) and makes its last plugin answer 0.
fn load_and_arm(dir: &str, chain: Option<usize>) -> Session {
    api::set_libdir(Some(Path::new(dir))).expect("a plugin folder without NUL");
    let session = Session::init(Stage::Dump).unwrap_or_else(|e| fail(&format!("init failed: {e}")));
    let on_chain: Vec<_> = session
        .plugins()
        .into_iter()
        .filter(|p| p.hooks.has(Hook::PauseDevices))
        .collect();
    if let Some(n) = chain.filter(|&n| on_chain.len() != n) {
        fail(&format!("{} plugins on the chain, not {n}", on_chain.len()));
    }
    let Some(path) = on_chain.last().and_then(|p| p.path.clone()) else {
        fail("empty PAUSE_DEVICES chain");
    };
    let path = CString::new(path.as_os_str().as_bytes()).expect("no NUL in a path");
    // SAFETY: RTLD_NOLOAD only finds the object the loader already opened;
    // bench_answer is the plugin's `int` (bench/plugin_template.c), written
    // before any hook runs; dlclose drops the extra reference.
    unsafe {
        let h = libc::dlopen(path.as_ptr(), libc::RTLD_LAZY | libc::RTLD_NOLOAD);
        if h.is_null() {
            fail("the last plugin is not loaded");
        }
        let answer = libc::dlsym(h, c"bench_answer".as_ptr()).cast::<c_int>();
        if answer.is_null() {
            fail("the last plugin has no bench_answer");
        }
        *answer = 0;
        libc::dlclose(h);
    }
    session
}

/// CPU time the process has used, in ns (as bench/common.h's cpu_ns).
fn cpu_ns() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
}

fn sum(answer: Answer) -> i64 {
    match answer {
        Answer::Handled(rc) => i64::from(rc),
        Answer::Declined => 1,
    }
}

/// `n` calls of the free function; the sum of the answers (0 when every
/// chain answered 0).
fn calls(n: u64) -> i64 {
    (0..n)
        .map(|i| sum(api::pause_devices(black_box(i as i32))))
        .sum()
}

/// `n` calls through the session; as [`calls`].
fn session_calls(session: &Session, n: u64) -> i64 {
    (0..n)
        .map(|i| sum(session.pause_devices(black_box(i as i32))))
        .sum()
}

fn median(mut ns: Vec<f64>) -> f64 {
    ns.sort_by(f64::total_cmp);
    let n = ns.len();
    if n % 2 == 1 {
        ns[n / 2]
    } else {
        (ns[n / 2 - 1] + ns[n / 2]) / 2.0
    }
}

fn arg<T: std::str::FromStr>(args: &[String], i: usize) -> T {
    args.get(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| fail("bad arguments (see the source's header)"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("dispatch") if args.len() == 6 => {
            let (iters, batches, chain): (u64, usize, usize) =
                (arg(&args, 3), arg(&args, 4), arg(&args, 5));
            let session = load_and_arm(&args[2], Some(chain));
            let (mut free, mut held) = (Vec::new(), Vec::new());
            for b in 0..batches.max(1) {
                // Alternate which way goes first.
                for way in [b % 2, 1 - b % 2] {
                    let t = cpu_ns();
                    let s = if way == 0 {
                        calls(iters)
                    } else {
                        session_calls(&session, iters)
                    };
                    if s != 0 {
                        fail("a chain answered something other than 0");
                    }
                    let ns = (cpu_ns() - t) / iters as f64;
                    if way == 0 {
                        free.push(ns)
                    } else {
                        held.push(ns)
                    }
                }
            }
            println!("rust_api_ns {:.3}", median(free));
            println!("rust_session_ns {:.3}", median(held));
            session.finish(0);
        }
        Some("mem") if args.len() == 4 => {
            let n: u64 = arg(&args, 3);
            // SAFETY: looking a name up in the global scope has no preconditions.
            let sym = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"mc_snapshot".as_ptr()) };
            if sym.is_null() {
                fail("mem: run with LD_PRELOAD=malloc_count.so");
            }
            // SAFETY: bench/malloc_count.c's mc_snapshot has this signature.
            let snap = unsafe { std::mem::transmute::<*mut libc::c_void, McSnapshot>(sym) };
            let session = load_and_arm(&args[2], None);
            let per_call = |f: &dyn Fn() -> i64| {
                let (mut a, mut b) = (McStats::default(), McStats::default());
                // SAFETY: both point to live McStats.
                unsafe { snap(&mut a) };
                let s = f();
                // SAFETY: as above.
                unsafe { snap(&mut b) };
                if s != 0 {
                    fail("a chain answered something other than 0");
                }
                (b.allocs - a.allocs) as f64 / n as f64
            };
            println!("rust_api_allocs_per_call {:.6}", per_call(&|| calls(n)));
            println!(
                "rust_session_allocs_per_call {:.6}",
                per_call(&|| session_calls(&session, n))
            );
            session.finish(0);
        }
        _ => fail("usage: bench_dispatch dispatch DIR ITERS BATCHES CHAIN | mem DIR CALLS"),
    }
}
