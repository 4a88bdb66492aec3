#![allow(clippy::unwrap_used, missing_docs)]
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let mut best = [f64::MAX; 2];
    for _ in 0..10 {
        let t = Instant::now();
        let a: serde_json::Value = serde_json::from_str(&text).unwrap();
        best[0] = best[0].min(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let b = regorus::Value::from_json_str(&text).unwrap();
        best[1] = best[1].min(t.elapsed().as_secs_f64() * 1e3);
        drop((a, b));
    }
    println!("serde_json {:.1} ms  regorus {:.1} ms", best[0], best[1]);
}
