//! Build script: rebuild when the embedded built-in policies change.

// The built-in policies are embedded with include_dir!, which cargo cannot see through:
// rebuild this crate whenever anything under policies/ changes.
fn main() {
    println!("cargo:rerun-if-changed=../../policies");
}
