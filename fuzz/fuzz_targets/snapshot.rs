//! Fuzz target `snapshot`: see `trailguard_fuzz::snapshot`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trailguard_fuzz::snapshot(data));
