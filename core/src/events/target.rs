//! Where webhooks may go. A subscription names a URL that Sluice's worker then calls from inside
//! the platform's network, so an organization admin could otherwise aim it at the instance
//! metadata service or an internal admin port (SSRF). The rules:
//!
//! - `https://` only, no credentials in the URL, at most 2048 characters;
//! - no loopback, private, shared (CGNAT) or unique-local addresses, and no `localhost`, unless
//!   the operator allows private targets (`SLUICE_WEBHOOK_ALLOW_PRIVATE_TARGETS`, for tests,
//!   local development or a receiver inside the VPC), which also allows `http://`;
//! - never link-local (169.254.0.0/16, including the EC2 and ECS metadata endpoints, fe80::/10),
//!   the IPv6 metadata address, unspecified, broadcast or multicast addresses.
//!
//! The same check runs on every address a name resolves to, at delivery time, and the worker
//! connects only to the addresses that passed (no second lookup an attacker's DNS could
//! answer differently), without following redirects.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::{Error, Result};

const MAX_ENDPOINT_LEN: usize = 2048;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TargetPolicy {
    /// `SLUICE_WEBHOOK_ALLOW_PRIVATE_TARGETS`: also loopback and private addresses, and http.
    pub allow_private: bool,
}

impl TargetPolicy {
    /// The endpoint if its form and, for an address, the address are allowed; BAD_USER_INPUT
    /// on `field` otherwise.
    pub fn check_endpoint(&self, field: &str, endpoint: &str) -> Result<Url> {
        let refuse = |why: &str| Error::validation(field, why);
        if endpoint.len() > MAX_ENDPOINT_LEN {
            return Err(refuse("the URL is longer than 2048 characters"));
        }
        let url = Url::parse(endpoint.trim()).map_err(|e| refuse(&format!("not a URL: {e}")))?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_private => {}
            _ => return Err(refuse("the URL must start with https://")),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse("the URL must not carry credentials; the signature authenticates Sluice"));
        }
        match url.host() {
            None => return Err(refuse("the URL has no host")),
            Some(Host::Ipv4(ip)) => self.check_ip(field, IpAddr::V4(ip))?,
            Some(Host::Ipv6(ip)) => self.check_ip(field, IpAddr::V6(ip))?,
            Some(Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                if (name == "localhost" || name.ends_with(".localhost")) && !self.allow_private {
                    return Err(refuse("the URL must not point at this host"));
                }
            }
        }
        Ok(url)
    }

    fn check_ip(&self, field: &str, ip: IpAddr) -> Result<()> {
        if self.permits(ip) {
            Ok(())
        } else {
            Err(Error::validation(
                field,
                format!("the URL must not point at {ip}, a private or reserved address"),
            ))
        }
    }

    /// Whether the worker may connect to `ip`.
    pub fn permits(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(v4) => self.permits_v4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => self.permits_v4(v4),
                None => self.permits_v6(v6),
            },
        }
    }

    fn permits_v4(&self, ip: Ipv4Addr) -> bool {
        let [a, b, ..] = ip.octets();
        let never =
            ip.is_link_local() || ip.is_unspecified() || ip.is_broadcast() || ip.is_multicast() || a == 0;
        if never {
            return false;
        }
        let private = ip.is_loopback()
            || ip.is_private()
            || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
            || (a == 198 && (18..20).contains(&b)) // benchmarking
            || a >= 240; // reserved
        !private || self.allow_private
    }

    fn permits_v6(&self, ip: Ipv6Addr) -> bool {
        let first = ip.segments()[0];
        // fd00:ec2::254 is EC2's IPv6 metadata endpoint.
        let metadata = ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);
        let link_local = first & 0xffc0 == 0xfe80;
        if metadata || link_local || ip.is_unspecified() || ip.is_multicast() {
            return false;
        }
        let unique_local = first & 0xfe00 == 0xfc00;
        let private = ip.is_loopback() || unique_local;
        !private || self.allow_private
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRICT: TargetPolicy = TargetPolicy { allow_private: false };
    const LAX: TargetPolicy = TargetPolicy { allow_private: true };

    #[test]
    fn only_https_to_public_hosts_passes_by_default() {
        assert!(STRICT.check_endpoint("url", "https://hooks.example.com/sluice").is_ok());
        assert!(STRICT.check_endpoint("url", "https://93.184.216.34:8443/x").is_ok());
        for bad in [
            "http://hooks.example.com/",
            "ftp://hooks.example.com/",
            "https://user:pw@hooks.example.com/",
            "https://127.0.0.1/",
            "https://localhost:8080/",
            "https://api.localhost/",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.1/",
            "https://100.64.0.1/",
            "https://169.254.169.254/latest/meta-data/",
            "https://169.254.170.2/v2/credentials",
            "https://[::1]/",
            "https://[fd00:ec2::254]/",
            "https://[fe80::1]/",
            "https://[::ffff:169.254.169.254]/",
            "https://[::ffff:10.0.0.1]/",
            "https://0.0.0.0/",
            "https://2130706433/",
            "not a url",
        ] {
            assert!(STRICT.check_endpoint("url", bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn allowing_private_targets_never_allows_metadata_or_link_local() {
        assert!(LAX.check_endpoint("url", "http://127.0.0.1:8080/hook").is_ok());
        assert!(LAX.check_endpoint("url", "http://localhost/hook").is_ok());
        assert!(LAX.check_endpoint("url", "https://10.0.0.5/hook").is_ok());
        for bad in
            ["http://169.254.169.254/", "http://[fd00:ec2::254]/", "http://[fe80::1]/", "http://0.0.0.0/"]
        {
            assert!(LAX.check_endpoint("url", bad).is_err(), "{bad} should be refused");
        }
    }
}
