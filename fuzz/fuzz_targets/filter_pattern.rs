//! Fuzz target `filter_pattern`: see `trailguard_fuzz::filter_pattern`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trailguard_fuzz::filter_pattern(data));
