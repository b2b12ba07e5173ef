//! Fingerprints the migration sources (FNV-1a over file names and contents).

use std::{fs, path::Path};

fn main() {
    let dir = Path::new("src");
    println!("cargo:rerun-if-changed=src");
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("migrations/src is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for path in files {
        let bytes = fs::read(&path).expect("migration source is readable");
        for b in path.to_string_lossy().as_bytes().iter().chain(bytes.iter()) {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=SLUICE_SCHEMA_FINGERPRINT={hash:016x}");
}
