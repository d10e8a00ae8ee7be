//! Printing a `--json` result: one pretty-printed JSON document on stdout.

use serde_json::Value;

pub(crate) fn print_json(value: &Value) {
    // A `Value` built in this crate always serializes.
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
