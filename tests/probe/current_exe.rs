// current_exe.rs - prints std::env::current_exe(), which reads
// /proc/self/exe on Linux (tests/35-self-exe.t).
fn main() {
    match std::env::current_exe() {
        Ok(p) => println!("{}", p.display()),
        Err(e) => {
            eprintln!("current_exe: {}", e);
            std::process::exit(1);
        }
    }
}
