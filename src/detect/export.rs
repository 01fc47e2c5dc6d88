//! The detector's window table as CSV, for a fraud-model team that wants to train its own model on
//! exactly the features `detect` scores (or to see why a typology is found): one row per account ×
//! window of the train and test runs, labels beside the features, never among them.

use std::io::{self, Write};

use super::{FEATURES, WINDOW_NS, WindowSet};

/// Writes the header and rows of `sets` (each named `train` or `test`), row by row. An undefined
/// feature is an empty field; `typologies` lists a window's typologies separated by `;` (empty:
/// honest) and `difficulty` is the first one's episode difficulty.
pub fn write_csv(out: &mut impl Write, sets: &[(&str, &WindowSet)]) -> io::Result<()> {
    write!(out, "set,run,account,window_start_s,typologies,difficulty")?;
    for (name, _) in FEATURES {
        write!(out, ",{name}")?;
    }
    writeln!(out)?;
    for (set, windows) in sets {
        for w in &windows.rows {
            let run = windows.runs.get(w.day).map_or("", String::as_str);
            let typologies: Vec<&str> = w.abusive.keys().map(String::as_str).collect();
            let difficulty = w.abusive.values().next().copied().flatten();
            let start = i64::from(w.window) * WINDOW_NS / 1_000_000_000;
            write!(
                out,
                "{set},\"{}\",{},{start},{},{}",
                run.replace('"', "\"\""),
                w.account,
                typologies.join(";"),
                difficulty.map_or(String::new(), |d| d.to_string())
            )?;
            for v in &w.values {
                match v {
                    Some(v) => write!(out, ",{v}")?,
                    None => write!(out, ",")?,
                }
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::detect::Window;

    #[test]
    fn one_row_per_window_with_labels_apart_and_empty_fields_for_undefined_features() {
        let mut values = vec![Some(1.5); FEATURES.len()];
        values[2] = None;
        let honest = Window {
            day: 0,
            account: 7,
            window: 3,
            values: values.clone(),
            abusive: BTreeMap::new(),
        };
        let abusive = Window {
            abusive: [("spoofing".to_string(), Some(0.5))].into(),
            ..honest.clone()
        };
        let set = WindowSet {
            runs: vec!["out/x/seed=1".into()],
            rows: vec![honest, abusive],
        };
        let mut bytes = Vec::new();
        write_csv(&mut bytes, &[("train", &set)]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        let width = 6 + FEATURES.len();
        assert!(lines.iter().all(|l| l.split(',').count() == width));
        assert!(lines[1].starts_with("train,\"out/x/seed=1\",7,900,,,1.5,1.5,,1.5"));
        assert!(lines[2].starts_with("train,\"out/x/seed=1\",7,900,spoofing,0.5,"));
    }
}
