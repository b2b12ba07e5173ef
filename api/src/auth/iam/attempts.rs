//! Failed IAM sign-ins, counted per source address, so that a source that keeps failing is
//! refused before its requests cost a database write and an STS call each. Held in memory per
//! replica: a shared count would itself cost a database write per attempt.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

/// How many failures a source may have in a window, and how many sources are remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureLimit {
    pub max_failures: u32,
    pub window: Duration,
    /// Beyond this many sources the oldest window is forgotten, so an attacker with many
    /// addresses cannot grow the table without bound.
    pub max_sources: usize,
}

impl Default for FailureLimit {
    fn default() -> Self {
        Self { max_failures: 10, window: Duration::from_secs(300), max_sources: 10_000 }
    }
}

/// Whom a count is kept for. An IPv6 client usually holds a whole /64, so that is one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Source {
    V4([u8; 4]),
    V6Prefix([u8; 8]),
    /// No address is known (a server run without connection info, as in some tests).
    Unknown,
}

impl From<Option<IpAddr>> for Source {
    fn from(ip: Option<IpAddr>) -> Self {
        match ip.map(|ip| ip.to_canonical()) {
            Some(IpAddr::V4(v4)) => Source::V4(v4.octets()),
            Some(IpAddr::V6(v6)) => {
                let mut prefix = [0; 8];
                prefix.copy_from_slice(&v6.octets()[..8]);
                Source::V6Prefix(prefix)
            }
            None => Source::Unknown,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

#[derive(Debug)]
pub struct FailedSignIns {
    limit: FailureLimit,
    windows: Mutex<HashMap<Source, Window>>,
}

impl FailedSignIns {
    pub fn new(limit: FailureLimit) -> Self {
        Self { limit, windows: Mutex::new(HashMap::new()) }
    }

    /// How long `ip` must wait, when it has failed too often in its current window.
    pub fn blocked(&self, ip: Option<IpAddr>, now: Instant) -> Option<Duration> {
        let windows = self.lock();
        let window = windows.get(&Source::from(ip))?;
        let ends = window.started + self.limit.window;
        (window.failures >= self.limit.max_failures && ends > now).then(|| ends - now)
    }

    pub fn record_failure(&self, ip: Option<IpAddr>, now: Instant) {
        let source = Source::from(ip);
        let mut windows = self.lock();
        if !windows.contains_key(&source) && windows.len() >= self.limit.max_sources {
            let window = self.limit.window;
            windows.retain(|_, w| w.started + window > now);
            if windows.len() >= self.limit.max_sources
                && let Some(oldest) = windows.iter().min_by_key(|(_, w)| w.started).map(|(s, _)| *s)
            {
                windows.remove(&oldest);
            }
        }
        let entry = windows.entry(source).or_insert(Window { started: now, failures: 0 });
        if entry.started + self.limit.window <= now {
            *entry = Window { started: now, failures: 0 };
        }
        entry.failures = entry.failures.saturating_add(1);
    }

    #[cfg(test)]
    fn sources(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Source, Window>> {
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    fn limit() -> FailureLimit {
        FailureLimit { max_failures: 3, window: Duration::from_secs(60), max_sources: 4 }
    }

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::V4(Ipv4Addr::new(203, 0, 113, last)))
    }

    #[test]
    fn a_source_is_blocked_after_its_failures_until_its_window_ends() {
        let failed = FailedSignIns::new(limit());
        let t0 = Instant::now();
        for _ in 0..2 {
            failed.record_failure(ip(1), t0);
        }
        assert_eq!(failed.blocked(ip(1), t0), None, "two of three");
        failed.record_failure(ip(1), t0);
        assert_eq!(failed.blocked(ip(1), t0 + Duration::from_secs(20)), Some(Duration::from_secs(40)));
        assert_eq!(failed.blocked(ip(2), t0), None, "another source is not blocked");
        assert_eq!(failed.blocked(ip(1), t0 + Duration::from_secs(60)), None, "the window ended");
        failed.record_failure(ip(1), t0 + Duration::from_secs(61));
        assert_eq!(failed.blocked(ip(1), t0 + Duration::from_secs(61)), None, "a new window starts at one");
    }

    #[test]
    fn an_ipv6_client_is_one_source_for_its_whole_64() {
        let failed = FailedSignIns::new(limit());
        let t0 = Instant::now();
        for host in 1..=3u16 {
            failed.record_failure(Some(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 0, 0, 0, host))), t0);
        }
        let neighbour = Some(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 9, 9, 9, 9)));
        assert!(failed.blocked(neighbour, t0).is_some());
        let other_64 = Some(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 2, 0, 0, 0, 1)));
        assert_eq!(failed.blocked(other_64, t0), None);
        let mapped = Some(IpAddr::V6(Ipv4Addr::new(203, 0, 113, 1).to_ipv6_mapped()));
        failed.record_failure(ip(1), t0);
        failed.record_failure(ip(1), t0);
        failed.record_failure(mapped, t0);
        assert!(failed.blocked(ip(1), t0).is_some(), "an IPv4-mapped address is its IPv4 source");
    }

    #[test]
    fn many_sources_never_grow_the_table_past_its_bound() {
        let failed = FailedSignIns::new(limit());
        let t0 = Instant::now();
        for i in 0..200u8 {
            failed.record_failure(ip(i), t0 + Duration::from_millis(u64::from(i)));
            assert!(failed.sources() <= 4, "{} sources after {i}", failed.sources());
        }
        for _ in 0..3 {
            failed.record_failure(ip(250), t0 + Duration::from_secs(1));
        }
        assert!(failed.blocked(ip(250), t0 + Duration::from_secs(1)).is_some(), "the newest is kept");
    }
}
