//! Servers under test: the `cutover` binary and moto's server as child processes (start-up time,
//! resident memory), and the trivial axum server that gives the client's ceiling.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::client::{BoxError, Conn};
use crate::wire::{Builder, Flavor, Json, Service};

/// How long a server may take to answer before we give up.
const START_LIMIT: Duration = Duration::from_secs(30);

/// A server process we started; killed when dropped.
pub struct Spawned {
    child: Child,
    pub addr: SocketAddr,
    /// Process start to first successful answer.
    pub startup: Duration,
}

impl Spawned {
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Resident memory now, in KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        self.pid().and_then(rss_kib)
    }

    /// Kills the process and reaps it.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// `VmRSS` of a process, KiB (Linux `/proc`).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// Spawns `cutover serve --listen 127.0.0.1:0 --clock manual`, reads the address it prints, and
/// polls `GET /_cutover/health` in a tight loop until it answers 200.
pub async fn spawn_cutover(bin: &Path, rust_log: Option<&str>) -> Result<Spawned, BoxError> {
    let mut cmd = Command::new(bin);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--clock", "manual"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    if let Some(level) = rust_log {
        cmd.env("RUST_LOG", level);
    }
    let t0 = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(START_LIMIT, lines.next_line())
        .await
        .map_err(|_| "cutover printed no address")??
        .ok_or("cutover exited before printing its address")?;
    let addr: SocketAddr = line
        .rsplit_once("http://")
        .map(|(_, a)| a.trim())
        .ok_or_else(|| format!("unexpected first line: {line}"))?
        .parse()?;
    // Keep draining stdout so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    loop {
        if t0.elapsed() > START_LIMIT {
            return Err("cutover did not answer /_cutover/health".into());
        }
        if let Ok(mut c) = Conn::connect(addr).await {
            if let Ok((200, _)) = c.plain("GET", "/_cutover/health", "").await {
                break;
            }
        }
        tokio::task::yield_now().await;
    }
    Ok(Spawned {
        child,
        addr,
        startup: t0.elapsed(),
    })
}

/// The `moto_server` executable: the real script behind a pyenv shim when there is one (so the
/// shim's own start-up is not counted), else whatever is on `PATH`.
pub fn find_moto() -> Option<PathBuf> {
    if let Ok(out) = std::process::Command::new("pyenv")
        .args(["which", "moto_server"])
        .stderr(Stdio::null())
        .output()
    {
        if out.status.success() {
            let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
            if p.is_file() {
                return Some(p);
            }
        }
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("moto_server"))
        .find(|p| p.is_file())
}

/// Finds moto's server, installing `moto[server]` with pip if it is missing.
pub fn ensure_moto() -> Result<PathBuf, BoxError> {
    if let Some(p) = find_moto() {
        return Ok(p);
    }
    eprintln!("moto_server not found: pip install 'moto[server]'");
    let status = std::process::Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "moto[server]"])
        .status()?;
    if !status.success() {
        return Err("pip install 'moto[server]' failed".into());
    }
    find_moto().ok_or_else(|| "moto_server still not found after pip install".into())
}

/// A free loopback port (bound and released; moto's server takes `-p PORT`, not port 0).
pub fn free_port() -> Result<u16, BoxError> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

/// Starts `moto_server -H 127.0.0.1 -p PORT` and polls ECS `ListClusters` until it answers 200.
pub async fn spawn_moto(bin: &Path) -> Result<Spawned, BoxError> {
    let port = free_port()?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let probe =
        Builder::new(Flavor::Cli).json(Service::Ecs, "ListClusters", &Json::obj::<&str>([]));
    let t0 = Instant::now();
    let child = Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    loop {
        if t0.elapsed() > START_LIMIT {
            return Err("moto_server did not answer ListClusters".into());
        }
        if let Ok(mut c) = Conn::connect(addr).await {
            if let Ok((200, _)) = c.send(&probe).await {
                break;
            }
        }
        // moto needs a second or more; a short pause keeps the poll from starving it of CPU.
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Ok(Spawned {
        child,
        addr,
        startup: t0.elapsed(),
    })
}

/// The ceiling: a bare axum server answering a fixed body to every request, on its own thread
/// and runtime (as a separate server process would be). Dropping the handle tells it to stop
/// (without waiting for it).
pub struct Ceiling {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Ceiling {
    pub fn start() -> Result<Ceiling, BoxError> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                    return;
                };
                let app = axum::Router::new().fallback(|| async {
                    (
                        [(http::header::CONTENT_TYPE, "application/x-amz-json-1.1")],
                        "{\"clusterArns\":[]}",
                    )
                });
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = rx.await;
                    })
                    .await;
            });
        });
        Ok(Ceiling {
            addr,
            stop: Some(tx),
        })
    }
}

impl Drop for Ceiling {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}
