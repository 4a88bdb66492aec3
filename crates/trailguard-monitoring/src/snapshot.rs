//! The parts of a snapshot the chains read, looked up in place.

use trailguard_json::{Json, Kind};

/// The snapshot's sections a chain goes through (each `None` when the snapshot has none).
pub(crate) struct Snapshot<'a, J> {
    pub accounts: Option<&'a J>,
    pub trails: Option<&'a J>,
    pub log_groups: Option<&'a J>,
    pub alarms: Option<&'a J>,
    pub topics: Option<&'a J>,
}

impl<'a, J: Json> Snapshot<'a, J> {
    pub fn new(input: &'a J) -> Self {
        Snapshot {
            accounts: input.get_field("accounts"),
            trails: input.get_field("trails"),
            log_groups: input.get_field("log_groups"),
            alarms: input.get_field("alarms"),
            topics: input.get_field("topics"),
        }
    }
}

/// The entry `key` of a section.
pub(crate) fn entry<'a, J: Json>(section: Option<&'a J>, key: &str) -> Option<&'a J> {
    section.and_then(|s| s.get_field(key))
}

/// The items of the list `obj.key`; `None` when it is not a list (it was not read).
pub(crate) fn list_of<'a, J: Json>(obj: &'a J, key: &str) -> Option<Vec<&'a J>> {
    obj.get_field(key)
        .filter(|v| matches!(v.kind(), Kind::Array))
        .map(|v| v.items().collect())
}

/// The items of the list `obj.key`; none when it is not a list (as the Rego helper `list`).
pub(crate) fn list<'a, J: Json>(obj: &'a J, key: &str) -> Vec<&'a J> {
    list_of(obj, key).unwrap_or_default()
}

/// Whether `obj.key` is a list.
pub(crate) fn is_list<J: Json>(obj: &J, key: &str) -> bool {
    obj.get_field(key)
        .is_some_and(|v| matches!(v.kind(), Kind::Array))
}

/// The string `obj.key`, when it is one.
pub(crate) fn text<'a, J: Json>(obj: &'a J, key: &str) -> Option<&'a str> {
    obj.get_field(key).and_then(Json::as_text)
}

/// Whether `obj.key` is there and `null`.
pub(crate) fn is_null<J: Json>(obj: &J, key: &str) -> bool {
    obj.get_field(key)
        .is_some_and(|v| matches!(v.kind(), Kind::Null))
}

/// Whether `obj.key` is the boolean `b`.
pub(crate) fn is_bool<J: Json>(obj: &J, key: &str, b: bool) -> bool {
    obj.get_field(key)
        .is_some_and(|v| v.kind() == Kind::Bool(b))
}

/// A value as a message shows it: a string as it is, anything else as its JSON text.
pub(crate) fn show<J: Json>(value: &J) -> String {
    match value.as_text() {
        Some(text) => text.to_string(),
        None => value.text(),
    }
}

/// `obj.key` as a message shows it, or `default` when there is none.
pub(crate) fn show_field<J: Json>(obj: &J, key: &str, default: &str) -> String {
    obj.get_field(key)
        .map_or_else(|| default.to_string(), |v| show(v))
}
