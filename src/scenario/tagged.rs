//! Arrays of tables whose variant is chosen by a tag key (`type` for agents, `kind` for events).
//!
//! serde's internally tagged enums buffer the entry before choosing the variant, which loses every
//! span inside it and weakens `deny_unknown_fields`. Instead the tag is read from the parsed
//! document tree, and the untouched, still-spanned entry is then deserialized straight into the
//! variant's own struct, so its errors point into the file like any other.

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::error::Source;
use super::validate::Result;

pub(crate) struct Entry<'a, 'i> {
    /// Dotted path of the entry, e.g. `agents[2]`.
    pub path: String,
    /// The tag's value, already checked to be one of the known names.
    pub tag: &'a str,
    pub value: &'a Spanned<DeValue<'i>>,
}

impl Entry<'_, '_> {
    /// Deserializes the whole entry (tag included, so the variant struct must declare it).
    pub fn parse<T: DeserializeOwned>(&self, src: &Source, root: &DeTable) -> Result<T> {
        T::deserialize(ValueDeserializer::from(self.value.clone()))
            .map_err(|e| src.toml_error(Some(root), &e))
    }
}

/// `"a", "b", "c"`: the allowed names, quoted as they would be written in the file.
pub(crate) fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    quoted.join(", ")
}

/// The entries of `root[key]`, each with a valid tag; an absent key means no entries.
pub(crate) fn entries<'a, 'i>(
    src: &Source,
    root: &'a DeTable<'i>,
    key: &str,
    tag: &str,
    known: &[&str],
) -> Result<Vec<Entry<'a, 'i>>> {
    let Some(list) = root.get(key) else {
        return Ok(Vec::new());
    };
    let DeValue::Array(items) = list.get_ref() else {
        return Err(src.error(
            list.span(),
            key,
            format!(
                "expected an array of tables ([[{key}]]), got a {}",
                list.get_ref().type_str()
            ),
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("{key}[{i}]");
        let DeValue::Table(table) = item.get_ref() else {
            return Err(src.error(
                item.span(),
                path,
                format!("expected a table, got a {}", item.get_ref().type_str()),
            ));
        };
        let field = format!("{path}.{tag}");
        let Some(tag_value) = table.get(tag) else {
            return Err(src.error(
                item.span(),
                field,
                format!("missing required key `{tag}` (one of {})", one_of(known)),
            ));
        };
        let name = match tag_value.get_ref().as_str() {
            Some(name) if known.contains(&name) => name,
            Some(name) => {
                return Err(src.error(
                    tag_value.span(),
                    field,
                    format!("unknown {tag} {name:?}, expected one of {}", one_of(known)),
                ));
            }
            None => {
                return Err(src.error(
                    tag_value.span(),
                    field,
                    format!(
                        "expected one of {}, got a {}",
                        one_of(known),
                        tag_value.get_ref().type_str()
                    ),
                ));
            }
        };
        out.push(Entry {
            path,
            tag: name,
            value: item,
        });
    }
    Ok(out)
}
