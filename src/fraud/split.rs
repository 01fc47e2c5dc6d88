//! Train / validation / test split by time, grouped by episode: a cut that would fall inside an
//! episode moves out of it — to the nearer edge of the run of overlapping episodes around it — so
//! no episode straddles two splits and no model sees half an episode in training and the other
//! half in test.

use crate::types::Nanos;

pub const SPLITS: [&str; 3] = ["train", "validation", "test"];

/// The `[start, end)` windows of the three splits over `[0, length)`. Empty splits are possible
/// (a zero fraction, or an episode pushing a cut past the next).
pub fn windows(
    length: Nanos,
    fractions: [f64; 3],
    episodes: &[(Nanos, Nanos)],
) -> [(Nanos, Nanos); 3] {
    // Overlapping episodes merged into busy stretches, in time order.
    let mut sorted = episodes.to_vec();
    sorted.sort_unstable();
    let mut busy: Vec<(Nanos, Nanos)> = Vec::new();
    for (start, end) in sorted {
        match busy.last_mut() {
            Some(last) if start < last.1 => last.1 = last.1.max(end),
            _ => busy.push((start, end)),
        }
    }
    let mut cuts = [0.0, fractions[0], fractions[0] + fractions[1]]
        .map(|f| Nanos((f.clamp(0.0, 1.0) * length.0 as f64) as u64));
    for k in 1..3 {
        let c = cuts[k];
        if let Some(&(start, end)) = busy.iter().find(|&&(s, e)| s < c && c < e) {
            let back = start >= cuts[k - 1] && c - start <= end - c;
            cuts[k] = if back { start } else { end.min(length) };
        }
        cuts[k] = cuts[k].max(cuts[k - 1]);
    }
    [(cuts[0], cuts[1]), (cuts[1], cuts[2]), (cuts[2], length)]
}

/// Which split a time falls in.
pub fn split_of(windows: &[(Nanos, Nanos); 3], t: Nanos) -> &'static str {
    let k = windows
        .iter()
        .position(|&(s, e)| s <= t && t < e)
        .unwrap_or(2);
    SPLITS[k]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_move_past_episodes_they_would_split() {
        let len = Nanos(1000);
        let eps = [
            (Nanos(550), Nanos(650)),
            (Nanos(640), Nanos(700)),
            (Nanos(790), Nanos(900)),
        ];
        let w = windows(len, [0.6, 0.2, 0.2], &eps);
        // 600 lies in the busy stretch 550..700, nearer its start; 800 in 790..900, likewise.
        assert_eq!(
            w,
            [
                (Nanos(0), Nanos(550)),
                (Nanos(550), Nanos(790)),
                (Nanos(790), len)
            ]
        );
        for (start, end) in eps {
            assert_eq!(split_of(&w, start), split_of(&w, end - Nanos(1)));
        }
        // A cut nearer the stretch's end moves forward.
        let w = windows(len, [0.68, 0.12, 0.2], &eps[..2]);
        assert_eq!(w[0], (Nanos(0), Nanos(700)));
    }

    #[test]
    fn plain_fractions_without_episodes() {
        let w = windows(Nanos(100), [0.5, 0.25, 0.25], &[]);
        assert_eq!(
            w,
            [
                (Nanos(0), Nanos(50)),
                (Nanos(50), Nanos(75)),
                (Nanos(75), Nanos(100))
            ]
        );
        assert_eq!(split_of(&w, Nanos(99)), "test");
    }
}
