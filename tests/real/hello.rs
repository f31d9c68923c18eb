// hello.rs: a real-programs fixture for uexec.
//
// The Rust standard library reads argv/envp from the initial stack (through
// glibc), installs a SIGSEGV handler with a sigaltstack for stack-overflow
// detection and spawns a thread here, so the stack image, signal state and
// TLS set-up a loader gives it all matter.  Output is deterministic given
// argv and the environment.
use std::env;
use std::process;
use std::thread;

// FNV-1a over the bytes: a deterministic computation with a known result.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

// Count primes below n with a sieve, on another thread.
fn count_primes(n: usize) -> usize {
    let mut sieve = vec![true; n];
    let mut count = 0;
    for i in 2..n {
        if sieve[i] {
            count += 1;
            let mut j = i * i;
            while j < n {
                sieve[j] = false;
                j += i;
            }
        }
    }
    count
}

fn main() {
    let args: Vec<String> = env::args().collect();
    println!("args={:?}", args);
    for (i, a) in args.iter().enumerate().skip(1) {
        println!("arg[{}]={} fnv1a={:016x}", i, a, fnv1a(a.as_bytes()));
    }
    println!("HOME set={}", env::var_os("HOME").is_some());
    println!("UEXEC_REAL={:?}", env::var("UEXEC_REAL").ok());
    let primes = thread::spawn(|| count_primes(1_000_000)).join().unwrap();
    println!("primes below 1000000: {}", primes);
    if args.get(1).map(String::as_str) == Some("fail") {
        process::exit(4);
    }
}
