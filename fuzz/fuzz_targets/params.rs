//! Fuzz target `params`: see `trailguard_fuzz::params`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trailguard_fuzz::params(data));
