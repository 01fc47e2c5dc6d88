//! The report zooms into each stress window, with the counterfactual day overlaid once it exists.

use std::fs;
use std::path::Path;
use std::process::Command;

const QUICK: &str = include_str!("../scenarios/quick.toml");

fn marketsim(args: &[&str], cwd: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_marketsim"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn stress_windows_get_a_zoom_and_the_counterfactual_is_overlaid_when_run() {
    let tmp = tempfile::tempdir().unwrap();
    let crash = "\n[[events]]\nkind = \"flash_crash\"\nname = \"dump\"\nat = \"09:31:00\"\nduration = \"30s\"\nsize = 20000\nparticipation = 0.5\n";
    fs::write(tmp.path().join("c.toml"), format!("{QUICK}{crash}")).unwrap();
    marketsim(&["run", "c.toml", "--out", "out", "--quiet"], tmp.path());
    let run = tmp.path().join("out/quick/seed=7");
    let alone = fs::read(run.join("plots/zoom_01.png")).unwrap();
    let html = fs::read_to_string(run.join("report.html")).unwrap();
    assert!(
        html.contains("id=\"zoom_01\"")
            && html.contains("Zoom on dump (flash_crash): mid price and spread (no counterfactual")
    );
    assert!(html.contains("id=\"zoom_01_flow\"") && run.join("plots/zoom_01_flow.png").is_file());
    // The counterfactual, run beside it by kind, is found and drawn over the window.
    marketsim(
        &[
            "run",
            "c.toml",
            "--out",
            "out",
            "--quiet",
            "--without",
            "flash_crash",
        ],
        tmp.path(),
    );
    marketsim(&["plot", run.to_str().unwrap()], tmp.path());
    let overlaid = fs::read(run.join("plots/zoom_01.png")).unwrap();
    let html = fs::read_to_string(run.join("report.html")).unwrap();
    assert!(html.contains(
        "Zoom on dump (flash_crash): mid price and spread, against quick-without-flash_crash"
    ));
    assert_ne!(alone, overlaid, "the counterfactual changes the zoom");
    assert!(
        !tmp.path()
            .join("out/quick-without-flash_crash/seed=7/plots/zoom_01.png")
            .exists(),
        "the counterfactual day has no event to zoom into"
    );
}

#[test]
fn the_summary_says_what_each_stress_event_did() {
    let tmp = tempfile::tempdir().unwrap();
    let crash = "\n[[events]]\nkind = \"flash_crash\"\nname = \"dump\"\nat = \"09:31:00\"\nduration = \"30s\"\nsize = 20000\nparticipation = 0.5\n";
    fs::write(tmp.path().join("c.toml"), format!("{QUICK}{crash}")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_marketsim"))
        .args(["run", "c.toml", "--out", "out", "--no-plots"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("event dump (flash_crash) at 09:31:00: mid 100.03 before"),
        "{text}"
    );
    assert!(
        text.contains("widest spread") && text.contains("--without"),
        "{text}"
    );
}

#[test]
fn the_report_has_the_quant_views_without_running_facts() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("q.toml"), QUICK).unwrap();
    marketsim(&["run", "q.toml", "--out", "out", "--quiet"], tmp.path());
    let run = tmp.path().join("out/quick/seed=7");
    for png in ["returns.png", "trade_sizes.png", "mispricing.png"] {
        assert!(run.join("plots").join(png).is_file(), "{png}");
    }
    let html = fs::read_to_string(run.join("report.html")).unwrap();
    for needle in [
        "id=\"returns\"",
        "id=\"trade_sizes\"",
        "By agent family",
        "VWAP",
        "<td>market_maker</td>",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    // Every share bought was sold by someone: closing positions over the families add up to zero.
    let table = &html[html.find("By agent family").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let position: i64 = table
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let cells: Vec<&str> = row.split("<td class=\"num\">").collect();
            let cell = cells[5].split('<').next().unwrap();
            cell.replace(',', "")
                .replace('−', "-")
                .parse::<i64>()
                .unwrap()
        })
        .sum();
    assert_eq!(position, 0);
}
