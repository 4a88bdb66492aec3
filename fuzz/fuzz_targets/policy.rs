//! Fuzz target `policy`: see `trailguard_fuzz::policy`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trailguard_fuzz::policy(data));
