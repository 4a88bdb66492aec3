//! Fuzz target `waivers`: see `trailguard_fuzz::waivers`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| trailguard_fuzz::waivers(data));
