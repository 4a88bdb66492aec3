//! Fuzz target `event_pattern`: see `trailguard_fuzz::event_pattern`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trailguard_fuzz::event_pattern(data));
