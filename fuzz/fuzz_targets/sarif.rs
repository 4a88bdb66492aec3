//! Fuzz target `sarif`: see `trailguard_fuzz::sarif`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trailguard_fuzz::sarif(data));
