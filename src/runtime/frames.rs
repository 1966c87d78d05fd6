//! Watching the page's frames while something runs: how many the browser
//! dropped and the longest gap between two, i.e. the longest time the main
//! thread was too busy to draw. The statistics are plain Rust (host-tested);
//! [`FrameMeter`] records `requestAnimationFrame` times in the browser.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::time::sleep;

/// What a [`FrameMeter`] saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frames {
    /// Frames drawn while the meter ran.
    pub drawn: u32,
    /// Frames that should have been drawn but were not: each gap counts as
    /// `round(gap / interval) - 1` missed frames.
    pub dropped: u32,
    /// The longest gap between two frames, in ms: the longest the main thread
    /// was busy (a long task) plus one frame.
    pub longest_gap_ms: f64,
}

/// The interval one frame should take: the median gap, so a 120 Hz screen is
/// judged by its own rate; clamped to the plausible range of displays.
fn frame_interval(gaps: &[f64]) -> f64 {
    // Sorted by binary insertion, not `sort_by`: the standard library's sort
    // costs 5 KB of wasm (2.4 KB gzipped), and the moves this does instead
    // are a memmove of at most a few thousand gaps, once per run.
    let mut sorted: Vec<f64> = Vec::with_capacity(gaps.len());
    for gap in gaps {
        let at = sorted.partition_point(|g| g.total_cmp(gap).is_lt());
        sorted.insert(at, *gap);
    }
    let median = sorted
        .get(sorted.len() / 2)
        .copied()
        .unwrap_or(1000.0 / 60.0);
    median.clamp(1000.0 / 240.0, 1000.0 / 30.0)
}

impl Frames {
    /// Frame statistics from the timestamps of consecutive frames, in ms.
    ///
    /// # Example
    /// ```
    /// use async_rust_lab::runtime::frames::Frames;
    /// // Smooth at 60 Hz, then one 500 ms freeze.
    /// let mut times: Vec<f64> = (0..30).map(|i| f64::from(i) * 16.7).collect();
    /// times.push(484.3 + 500.0);
    /// let frames = Frames::from_times(&times);
    /// assert_eq!(frames.drawn, 31);
    /// assert!(frames.dropped >= 28 && frames.dropped <= 30);
    /// assert!(frames.longest_gap_ms >= 500.0);
    /// ```
    pub fn from_times(times: &[f64]) -> Frames {
        let gaps: Vec<f64> = times
            .windows(2)
            .filter_map(|pair| match pair {
                [before, after] => Some(after - before),
                _ => None,
            })
            .collect();
        let interval = frame_interval(&gaps);
        let dropped = gaps
            .iter()
            .map(|gap| ((gap / interval).round() - 1.0).max(0.0) as u32)
            .sum();
        Frames {
            drawn: u32::try_from(times.len()).unwrap_or(u32::MAX),
            dropped,
            longest_gap_ms: gaps.iter().copied().fold(0.0, f64::max),
        }
    }
}

type FrameCallback = Closure<dyn FnMut(f64)>;

/// Records the time of every frame the page draws until it is finished or
/// dropped. Where there is no `window` (a worker), it records nothing.
#[must_use = "a FrameMeter stops recording when dropped; call finish() for its statistics"]
pub struct FrameMeter {
    times: Rc<RefCell<Vec<f64>>>,
    // The callback re-arms itself each frame, so it must reach itself: it holds
    // this slot, and the slot holds it. Drop empties the slot to break the cycle.
    callback: Rc<RefCell<Option<FrameCallback>>>,
    request: Rc<RefCell<Option<i32>>>,
}

impl FrameMeter {
    /// Starts recording frames.
    pub fn start() -> FrameMeter {
        let times = Rc::new(RefCell::new(Vec::new()));
        let callback: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
        let request = Rc::new(RefCell::new(None));
        let meter = FrameMeter {
            times: times.clone(),
            callback: callback.clone(),
            request: request.clone(),
        };
        let weak = Rc::downgrade(&callback);
        let on_frame = Closure::<dyn FnMut(f64)>::new(move |at: f64| {
            times.borrow_mut().push(at);
            if let Some(slot) = weak.upgrade() {
                *request.borrow_mut() = slot.borrow().as_ref().and_then(arm);
            }
        });
        *meter.request.borrow_mut() = arm(&on_frame);
        *callback.borrow_mut() = Some(on_frame);
        meter
    }

    /// Waits one more frame or so (a frozen page draws nothing until it is
    /// free again, and that late frame is what measures the freeze), stops,
    /// and returns what was seen.
    pub async fn finish(self) -> Frames {
        sleep(FRAME_SETTLE_MS).await;
        Frames::from_times(&self.times.borrow())
    }
}

/// How long [`FrameMeter::finish`] waits for the frames after a freeze.
pub const FRAME_SETTLE_MS: u32 = 60;

fn arm(callback: &FrameCallback) -> Option<i32> {
    let window = web_sys::window()?;
    window
        .request_animation_frame(callback.as_ref().unchecked_ref())
        .ok()
}

impl Drop for FrameMeter {
    fn drop(&mut self) {
        if let (Some(window), Some(id)) = (web_sys::window(), self.request.borrow_mut().take()) {
            let _ = window.cancel_animation_frame(id);
        }
        // The frame request is cancelled, so JS will not call it again: free it.
        self.callback.borrow_mut().take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steady(count: u32, interval: f64) -> Vec<f64> {
        (0..count).map(|i| f64::from(i) * interval).collect()
    }

    #[test]
    fn a_steady_page_drops_no_frames() {
        let frames = Frames::from_times(&steady(60, 16.7));
        assert_eq!(frames.dropped, 0);
        assert_eq!(frames.drawn, 60);
        assert!((frames.longest_gap_ms - 16.7).abs() < 1e-9);
    }

    #[test]
    fn a_freeze_counts_the_frames_it_swallowed_at_the_screens_own_rate() {
        let mut times = steady(40, 8.3); // 120 Hz
        times.push(39.0 * 8.3 + 83.0); // ten intervals long: nine missed frames
        let frames = Frames::from_times(&times);
        assert_eq!(frames.dropped, 9);
        assert!((frames.longest_gap_ms - 83.0).abs() < 1e-9);
    }

    #[test]
    fn no_frames_or_one_frame_means_nothing_dropped() {
        for times in [vec![], vec![5.0]] {
            let frames = Frames::from_times(&times);
            assert_eq!((frames.dropped, frames.longest_gap_ms), (0, 0.0));
        }
    }
}
