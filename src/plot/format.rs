//! Number formatting shared by chart axes and the report: thousands separators and a fixed number
//! of decimals, so "12,400" and "100.25" read the same in a label and in a table.

/// `1234567` → `1,234,567`.
pub fn int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `decimals` places; large values get separators on the integer part.
pub fn fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int_part, frac) = s.split_once('.').unwrap_or((&s, ""));
    let grouped = int(int_part.parse::<i64>().unwrap_or(0));
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// Decimals needed to show prices of this tick size exactly (0.01 → 2, 0.25 → 2, 5 → 0).
pub fn tick_decimals(tick: f64) -> usize {
    (0..=6)
        .find(|&d| {
            let scaled = tick * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6
        })
        .unwrap_or(6)
}

/// A fraction as a signed percentage: 0.0123 → `+1.23 %`.
pub fn pct(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let sign = if x > 0.0 { "+" } else { "" };
    format!("{sign}{} %", fixed(x * 100.0, decimals))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_signs() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(1000), "1,000");
        assert_eq!(int(-1_234_567), "-1,234,567");
        assert_eq!(fixed(12345.678, 2), "12,345.68");
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(fixed(-1.5, 1), "-1.5");
        assert_eq!(pct(0.01234, 2), "+1.23 %");
        assert_eq!(pct(-0.5, 1), "-50.0 %");
        assert_eq!(tick_decimals(0.01), 2);
        assert_eq!(tick_decimals(0.25), 2);
        assert_eq!(tick_decimals(5.0), 0);
    }
}
