//! `make bench`'s proxy numbers, side by side in one run: the latency a warm `sinch-auth
//! proxy` adds to a keep-alive request (p50, p99 of the per-round differences), and the
//! throughput of 512 MiB down and up through a bearer route next to the same transfer
//! direct, with the proxy's peak RSS growth. The upstreams are threads of this program on
//! loopback; tokens come from an in-process local server.
//! `proxy_bench PATH_TO_SINCH_AUTH` prints one JSON object per line.

use sinch_auth_server::LocalServer;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SIZE: u64 = 512 * 1024 * 1024;

/// Reads one request head (and a Content-Length body into the sink); false at EOF.
fn read_request(r: &mut BufReader<TcpStream>) -> Option<(String, u64)> {
    let mut first = String::new();
    if r.read_line(&mut first).ok()? == 0 {
        return None;
    }
    let mut length = 0;
    loop {
        let mut l = String::new();
        r.read_line(&mut l).ok()?;
        if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        if l == "\r\n" || l.is_empty() {
            break;
        }
    }
    let n = std::io::copy(&mut r.take(length), &mut std::io::sink()).ok()?;
    Some((first, n))
}

/// Keep-alive upstream: `GET /small` → 2 bytes, `GET /big` → SIZE bytes, POST → 204.
fn upstream() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = stream.set_nodelay(true);
                let mut r = BufReader::new(stream.try_clone().unwrap());
                let mut w = stream;
                while let Some((line, _)) = read_request(&mut r) {
                    let ok = if line.starts_with("GET") && line.contains("/big") {
                        write!(w, "HTTP/1.1 200 OK\r\nContent-Length: {SIZE}\r\n\r\n").is_ok()
                            && (|| {
                                let block = vec![7u8; 256 * 1024];
                                let mut left = SIZE;
                                while left > 0 {
                                    let n = left.min(block.len() as u64) as usize;
                                    w.write_all(&block[..n]).ok()?;
                                    left -= n as u64;
                                }
                                Some(())
                            })()
                            .is_some()
                    } else if line.starts_with("GET") {
                        w.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                            .is_ok()
                    } else {
                        w.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").is_ok()
                    };
                    if !ok {
                        return;
                    }
                }
            });
        }
    });
    port
}

/// A keep-alive client: sends `head` (+ a body of `up` bytes), reads the answer fully.
struct Client {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Client {
    fn new(port: u16) -> Client {
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_nodelay(true).unwrap();
        Client {
            r: BufReader::new(s.try_clone().unwrap()),
            w: s,
        }
    }

    fn call(&mut self, head: &str, up: u64) -> u64 {
        let len = if up > 0 {
            format!("Content-Length: {up}\r\n")
        } else {
            String::new()
        };
        write!(self.w, "{head}\r\n{len}\r\n").unwrap();
        let block = vec![9u8; 256 * 1024];
        let mut left = up;
        while left > 0 {
            let n = left.min(block.len() as u64) as usize;
            self.w.write_all(&block[..n]).unwrap();
            left -= n as u64;
        }
        let mut status = String::new();
        self.r.read_line(&mut status).unwrap();
        let mut length = 0;
        loop {
            let mut l = String::new();
            self.r.read_line(&mut l).unwrap();
            if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if l == "\r\n" {
                break;
            }
        }
        assert!(status.contains(" 20"), "{status}");
        std::io::copy(&mut (&mut self.r).take(length), &mut std::io::sink()).unwrap()
    }
}

fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let exe = std::env::args()
        .nth(1)
        .expect("usage: proxy_bench PATH_TO_SINCH_AUTH");
    let server = LocalServer::start_default().unwrap();
    let up = upstream();
    let mut child = Command::new(exe)
        .args(["proxy", "--port", "0", "--quiet", "--exit-on-stdin-close"])
        .args([
            "--override-host",
            &format!("numbers.api.sinch.com=http://127.0.0.1:{up}"),
        ])
        .env_clear()
        .envs(server.env_vars())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let port: u16 = line
        .rsplit(':')
        .next()
        .and_then(|p| p.trim().parse().ok())
        .expect("the proxy's port");
    let host = format!("Host: 127.0.0.1:{port}\r\nX-Sinch-Proxy: 1");
    let via = |path: &str| format!("GET /numbers.api.sinch.com{path} HTTP/1.1\r\n{host}");
    let direct_head = |path: &str| format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{up}");

    // Latency: warm both, then 15 interleaved rounds of 400 calls each way.
    let (mut direct, mut proxied) = (Client::new(up), Client::new(port));
    for _ in 0..200 {
        direct.call(&direct_head("/small"), 0);
        proxied.call(&via("/small"), 0);
    }
    let mut added = Vec::new();
    for _ in 0..15 {
        let mut d = Vec::new();
        let mut p = Vec::new();
        for _ in 0..400 {
            let t = Instant::now();
            direct.call(&direct_head("/small"), 0);
            d.push(t.elapsed().as_secs_f64());
            let t = Instant::now();
            proxied.call(&via("/small"), 0);
            p.push(t.elapsed().as_secs_f64());
        }
        d.sort_by(f64::total_cmp);
        p.sort_by(f64::total_cmp);
        for q in [0.5, 0.99] {
            added.push((q, percentile(&p, q) - percentile(&d, q)));
        }
    }
    for q in [0.5, 0.99] {
        let mut v: Vec<f64> = added
            .iter()
            .filter(|(x, _)| *x == q)
            .map(|(_, a)| *a)
            .collect();
        v.sort_by(f64::total_cmp);
        println!(
            "{{\"name\": \"proxy/added_latency/p{}\", \"ms\": {:.3}}}",
            (q * 100.0) as u32,
            percentile(&v, 0.5) * 1000.0
        );
    }

    // Throughput and memory: 512 MiB down and up, direct then proxied.
    let pid = child.id();
    let before = peak_rss_kib(pid);
    let rate = |client: &mut Client, head: &str, upload: bool| {
        let t = Instant::now();
        let n = if upload {
            client.call(&head.replacen("GET", "POST", 1), SIZE);
            SIZE
        } else {
            client.call(head, 0)
        };
        assert_eq!(n, SIZE);
        SIZE as f64 / t.elapsed().as_secs_f64() / (1024.0 * 1024.0)
    };
    for (label, upload) in [("down", false), ("up", true)] {
        let d = rate(&mut direct, &direct_head("/big"), upload);
        let p = rate(&mut proxied, &via("/big"), upload);
        println!("{{\"name\": \"proxy/throughput/{label}\", \"direct_mib_s\": {d:.0}, \"proxied_mib_s\": {p:.0}}}");
    }
    println!(
        "{{\"name\": \"proxy/rss_growth\", \"mib\": {:.1}}}",
        peak_rss_kib(pid).saturating_sub(before) as f64 / 1024.0
    );
    drop(child.stdin.take());
    let _ = child.wait_timeout_or_kill();
}

trait WaitOrKill {
    fn wait_timeout_or_kill(&mut self) -> std::io::Result<()>;
}

impl WaitOrKill for std::process::Child {
    fn wait_timeout_or_kill(&mut self) -> std::io::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill()
    }
}
