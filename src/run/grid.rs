//! Parameter grids for sweeps: `--set agents.noise.count=500,1000` overrides one value of the scenario
//! file, and several `--set`s span their cartesian product. Overrides edit the TOML document itself,
//! so an overridden scenario is validated exactly like a hand-written one.

use toml::{Table, Value};

/// One `--set PATH=V1,V2,…`.
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    /// Dotted path: tables by key, `[[agents]]`/`[[events]]`/`[[abuse]]` entries by `name` (or by
    /// `type`/`kind`/`typology` when unnamed), e.g. `market.tick_size`, `agents.noise.count`,
    /// `events.storm.multiplier`, `abuse.spoofing.difficulty`.
    pub path: String,
    pub values: Vec<Value>,
}

/// One point of the grid: a value for every override, in `--set` order.
pub type Point = Vec<(String, Value)>;

impl Override {
    /// Parses `PATH=V1,V2`. Values are TOML literals (`500`, `0.3`, `true`, `"10m"`); anything that is
    /// not a literal is taken as a string, so `--set events.storm.duration=10m,20m` works unquoted.
    pub fn parse(arg: &str) -> Result<Override, String> {
        let (path, values) = arg.split_once('=').ok_or_else(|| {
            format!("--set {arg}: expected PATH=VALUE[,VALUE…], e.g. agents.noise.count=500,1000")
        })?;
        if path.is_empty() || path.split('.').any(str::is_empty) {
            return Err(format!(
                "--set {arg}: `{path}` is not a dotted path like market.tick_size"
            ));
        }
        let values: Vec<Value> = values.split(',').map(literal).collect();
        if values
            .iter()
            .any(|v| matches!(v, Value::String(s) if s.is_empty()))
        {
            return Err(format!("--set {arg}: empty value"));
        }
        Ok(Override {
            path: path.to_string(),
            values,
        })
    }

    /// The Hive partition key this override's values are filed under: the path with `_` for `.`.
    pub fn partition_key(&self) -> String {
        self.path.replace('.', "_")
    }
}

fn literal(text: &str) -> Value {
    let text = text.trim();
    toml::from_str::<Table>(&format!("v = {text}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_string()))
}

/// Every combination of the overrides' values, the first override varying slowest. No overrides:
/// one empty point.
pub fn points(overrides: &[Override]) -> Vec<Point> {
    overrides.iter().fold(vec![Vec::new()], |acc, o| {
        acc.iter()
            .flat_map(|p| {
                o.values.iter().map(move |v| {
                    let mut p = p.clone();
                    p.push((o.path.clone(), v.clone()));
                    p
                })
            })
            .collect()
    })
}

/// How a value is written in a partition directory name and the summary table: its text, through
/// the one rule for path components (no separators, no `..`, no spaces, not hidden).
pub fn display(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    crate::scenario::limits::path_component(&text.replace('=', "_"))
}

/// Refuses grids whose runs would collide or mislead: a path given twice (the later would silently
/// win for both partition folders), a value listed twice, or two values that name one folder
/// (`0.01` and `1e-2` stay apart, but `a/b` and `a_b` would share `a_b`).
pub fn check_distinct(overrides: &[Override]) -> Result<(), String> {
    for (i, o) in overrides.iter().enumerate() {
        if overrides[..i].iter().any(|p| p.path == o.path) {
            return Err(format!(
                "--set {}: given twice; list every value in one --set, e.g. {}=1,2,3",
                o.path, o.path
            ));
        }
        let mut seen: Vec<(String, &Value)> = Vec::new();
        for v in &o.values {
            let folder = display(v);
            if let Some((_, first)) = seen.iter().find(|(f, _)| *f == folder) {
                return Err(format!(
                    "--set {}: the values {first} and {v} would both be written to {}={folder}; list each value once",
                    o.path,
                    o.partition_key()
                ));
            }
            seen.push((folder, v));
        }
    }
    Ok(())
}

/// The scenario text with the point's values set.
pub fn apply(text: &str, point: &Point) -> Result<String, String> {
    if point.is_empty() {
        return Ok(text.to_string());
    }
    let mut doc: Table = text.parse().map_err(|e| format!("{e}"))?;
    for (path, value) in point {
        set(&mut doc, path, value.clone())?;
    }
    toml::to_string(&doc).map_err(|e| format!("{e}"))
}

fn set(doc: &mut Table, path: &str, value: Value) -> Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    let (last, parents) = segments.split_last().expect("paths are non-empty");
    let mut table = doc;
    for (i, seg) in parents.iter().enumerate() {
        let here = segments[..=i].join(".");
        table = match table.get_mut(*seg) {
            Some(Value::Table(t)) => t,
            Some(Value::Array(entries)) => {
                return set_in_array(entries, &segments[i + 1..], &here, value);
            }
            Some(_) => return Err(format!("--set {path}: `{here}` is a value, not a table")),
            None => return Err(format!("--set {path}: the scenario has no `{here}`")),
        };
    }
    table.insert(last.to_string(), value);
    Ok(())
}

/// `[[agents]]`/`[[events]]`: the next segment names the entry.
fn set_in_array(
    entries: &mut [Value],
    rest: &[&str],
    here: &str,
    value: Value,
) -> Result<(), String> {
    let [name, tail @ ..] = rest else {
        return Err(format!(
            "--set {here}: name an entry, e.g. {here}.noise.count"
        ));
    };
    if tail.is_empty() {
        return Err(format!("--set {here}.{name}: name a key inside the entry"));
    }
    let label = |t: &Table| {
        let named = t.get("name").and_then(Value::as_str).map(str::to_owned);
        let kind = t
            .get("type")
            .or_else(|| t.get("kind"))
            .or_else(|| t.get("typology"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        (named, kind)
    };
    // An entry is selected by its name, or by its type/kind/typology (named or not) when that is
    // unambiguous: `events.flash_crash.size` finds the one flash crash whatever it is called.
    let by_name: Vec<usize> = (0..entries.len())
        .filter(|&i| {
            entries[i]
                .as_table()
                .is_some_and(|t| label(t).0.as_deref() == Some(*name))
        })
        .collect();
    let by_kind: Vec<usize> = (0..entries.len())
        .filter(|&i| {
            entries[i]
                .as_table()
                .is_some_and(|t| label(t).1.as_deref() == Some(*name))
        })
        .collect();
    let chosen = if by_name.is_empty() {
        &by_kind
    } else {
        &by_name
    };
    let known = || {
        entries
            .iter()
            .filter_map(Value::as_table)
            .map(|t| match label(t) {
                (Some(n), Some(k)) => format!("{n} ({k})"),
                (Some(n), None) => n,
                (None, Some(k)) => k,
                (None, None) => "?".into(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let index = match chosen.as_slice() {
        [one] => *one,
        [] => {
            return Err(format!(
                "--set: no entry named `{name}` in `{here}`; it has: {} (select by name or, when unique, by kind)",
                known()
            ));
        }
        _ => {
            return Err(format!(
                "--set: several entries of `{here}` match `{name}` ({}); select one by its name",
                known()
            ));
        }
    };
    let entry = entries[index]
        .as_table_mut()
        .ok_or_else(|| format!("--set {here}: entry {index} is not a table"))?;
    let mut sub = std::mem::take(entry);
    let result = set(&mut sub, &tail.join("."), value);
    *entry = sub;
    result.map_err(|e| e.replace("--set ", &format!("--set {here}.{name}.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
[market]
tick_size = 0.01

[[agents]]
type = "noise"
count = 10

[[agents]]
type = "value"
name = "funds"
count = 3

[[events]]
kind = "halt"
name = "lunch"
duration = "5m"

[[abuse]]
typology = "spoofing"
episodes = 2
"#;

    #[test]
    fn parses_values_as_literals_or_strings() {
        let o = Override::parse("agents.noise.count=500,1000").unwrap();
        assert_eq!(o.values, [Value::Integer(500), Value::Integer(1000)]);
        assert_eq!(o.partition_key(), "agents_noise_count");
        let o = Override::parse("events.lunch.duration=10m,\"20m\"").unwrap();
        assert_eq!(
            o.values,
            [Value::String("10m".into()), Value::String("20m".into())]
        );
        assert!(Override::parse("agents.noise.count").is_err());
        assert!(Override::parse("agents..count=1").is_err());
    }

    #[test]
    fn grid_is_the_cartesian_product_first_varying_slowest() {
        let a = Override::parse("a=1,2").unwrap();
        let b = Override::parse("b=x,y,z").unwrap();
        let p = points(&[a, b]);
        assert_eq!(p.len(), 6);
        assert_eq!(display(&p[1][1].1), "y");
        assert_eq!(display(&p[3][0].1), "2");
        assert_eq!(points(&[]), vec![Vec::new()]);
    }

    #[test]
    fn sets_tables_and_named_or_typed_entries() {
        let point = vec![
            ("market.tick_size".to_string(), Value::Float(0.05)),
            ("agents.noise.count".to_string(), Value::Integer(99)),
            ("agents.funds.count".to_string(), Value::Integer(7)),
            (
                "events.lunch.duration".to_string(),
                Value::String("1m".into()),
            ),
            ("abuse.spoofing.difficulty".to_string(), Value::Float(0.9)),
        ];
        let doc: Table = apply(TEXT, &point).unwrap().parse().unwrap();
        assert_eq!(doc["market"]["tick_size"].as_float(), Some(0.05));
        assert_eq!(doc["agents"][0]["count"].as_integer(), Some(99));
        assert_eq!(doc["agents"][1]["count"].as_integer(), Some(7));
        assert_eq!(doc["events"][0]["duration"].as_str(), Some("1m"));
        assert_eq!(doc["abuse"][0]["difficulty"].as_float(), Some(0.9));
    }

    #[test]
    fn a_named_entry_is_also_found_by_its_kind_when_unique() {
        let point = vec![(
            "events.halt.duration".to_string(),
            Value::String("2m".into()),
        )];
        let doc: Table = apply(TEXT, &point).unwrap().parse().unwrap();
        assert_eq!(doc["events"][0]["duration"].as_str(), Some("2m"));
        let point = vec![("agents.value.count".to_string(), Value::Integer(4))];
        let doc: Table = apply(TEXT, &point).unwrap().parse().unwrap();
        assert_eq!(doc["agents"][1]["count"].as_integer(), Some(4));
    }

    #[test]
    fn unknown_paths_are_errors() {
        let bad =
            |path: &str| apply(TEXT, &vec![(path.to_string(), Value::Integer(1))]).unwrap_err();
        assert!(bad("nope.x").contains("no `nope`"));
        assert!(bad("agents.momentum.count").contains("no entry named `momentum`"));
        assert!(bad("agents.momentum.count").contains("it has: noise, funds (value)"));
        assert!(bad("market.tick_size.x").contains("is a value"));
        assert!(bad("agents.noise").contains("name a key"));
    }
}
