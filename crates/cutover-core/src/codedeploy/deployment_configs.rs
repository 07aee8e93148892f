//! CodeDeploy deployment configurations: the predefined `CodeDeployDefault.*` table (the same in
//! every partition, never stored), custom configurations, listing both in name order, and the
//! traffic schedule a configuration means for a deployment ([`TrafficRouting::shifts`]).

use std::ops::Bound::{Excluded, Unbounded};

use super::{str_enum, CodeDeployState, ComputePlatform};
use crate::VTime;

/// The prefix reserved for predefined configurations.
pub const RESERVED_PREFIX: &str = "CodeDeployDefault.";

/// How production traffic moves from the original to the replacement (§3.5 of the spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrafficRouting {
    AllAtOnce,
    /// `percent` to the replacement, wait `interval_minutes`, then the rest.
    Canary {
        percent: u32,
        interval_minutes: u32,
    },
    /// `percent` more every `interval_minutes` until 100.
    Linear {
        percent: u32,
        interval_minutes: u32,
    },
}

/// One production traffic shift: wait `wait_minutes` after the previous shift (0 for the
/// first), then route `replacement_percent` of production traffic to the replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrafficShift {
    pub wait_minutes: u32,
    pub replacement_percent: u32,
}

impl TrafficRouting {
    /// The wire `type`: `AllAtOnce` | `TimeBasedCanary` | `TimeBasedLinear`.
    pub fn type_name(self) -> &'static str {
        match self {
            TrafficRouting::AllAtOnce => "AllAtOnce",
            TrafficRouting::Canary { .. } => "TimeBasedCanary",
            TrafficRouting::Linear { .. } => "TimeBasedLinear",
        }
    }

    /// The shifts a deployment performs, in order; the last one always lands on 100.
    /// A percentage of 0 is treated as 1 so the schedule always terminates.
    pub fn shifts(self) -> Vec<TrafficShift> {
        let shift = |wait_minutes, replacement_percent| TrafficShift {
            wait_minutes,
            replacement_percent,
        };
        match self {
            TrafficRouting::AllAtOnce => vec![shift(0, 100)],
            TrafficRouting::Canary {
                percent,
                interval_minutes,
            } => {
                let p = percent.clamp(1, 100);
                if p == 100 {
                    vec![shift(0, 100)]
                } else {
                    vec![shift(0, p), shift(interval_minutes, 100)]
                }
            }
            TrafficRouting::Linear {
                percent,
                interval_minutes,
            } => {
                let p = percent.clamp(1, 100);
                let mut out = vec![shift(0, p)];
                let mut at = p;
                while at < 100 {
                    at = (at + p).min(100);
                    out.push(shift(interval_minutes, at));
                }
                out
            }
        }
    }

    /// Total minutes of waiting between the first and the last shift.
    pub fn total_wait_minutes(self) -> u32 {
        self.shifts().iter().map(|s| s.wait_minutes).sum()
    }
}

str_enum!(MinimumHealthyHostsType {
    HostCount = "HOST_COUNT",
    FleetPercent = "FLEET_PERCENT",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinimumHealthyHosts {
    pub kind: MinimumHealthyHostsType,
    pub value: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentConfig {
    pub name: String,
    pub id: String,
    pub compute_platform: ComputePlatform,
    pub created_at: VTime,
    /// ECS and Lambda configurations (always present for them); `None` for Server.
    pub traffic_routing: Option<TrafficRouting>,
    /// Server configurations only.
    pub minimum_healthy_hosts: Option<MinimumHealthyHosts>,
    /// Server `zonalConfig`, kept as given (the emulator runs no EC2 deployments).
    pub zonal_config: Option<serde_json::Value>,
    pub predefined: bool,
}

/// A row of the predefined table.
#[derive(Debug, Clone, Copy)]
pub struct Predefined {
    pub name: &'static str,
    pub compute_platform: ComputePlatform,
    pub traffic_routing: Option<TrafficRouting>,
    pub minimum_healthy_hosts: Option<MinimumHealthyHosts>,
}

const fn ecs(name: &'static str, r: TrafficRouting) -> Predefined {
    Predefined {
        name,
        compute_platform: ComputePlatform::Ecs,
        traffic_routing: Some(r),
        minimum_healthy_hosts: None,
    }
}

const fn lambda(name: &'static str, r: TrafficRouting) -> Predefined {
    Predefined {
        name,
        compute_platform: ComputePlatform::Lambda,
        traffic_routing: Some(r),
        minimum_healthy_hosts: None,
    }
}

const fn server(name: &'static str, kind: MinimumHealthyHostsType, value: i64) -> Predefined {
    Predefined {
        name,
        compute_platform: ComputePlatform::Server,
        traffic_routing: None,
        minimum_healthy_hosts: Some(MinimumHealthyHosts { kind, value }),
    }
}

const fn canary(percent: u32, interval_minutes: u32) -> TrafficRouting {
    TrafficRouting::Canary {
        percent,
        interval_minutes,
    }
}

const fn linear(percent: u32, interval_minutes: u32) -> TrafficRouting {
    TrafficRouting::Linear {
        percent,
        interval_minutes,
    }
}

/// Every predefined configuration, sorted by name (a unit test checks the order).
static PREDEFINED: &[Predefined] = &[
    server(
        "CodeDeployDefault.AllAtOnce",
        MinimumHealthyHostsType::HostCount,
        0,
    ),
    ecs("CodeDeployDefault.ECSAllAtOnce", TrafficRouting::AllAtOnce),
    ecs(
        "CodeDeployDefault.ECSCanary10Percent15Minutes",
        canary(10, 15),
    ),
    ecs(
        "CodeDeployDefault.ECSCanary10Percent5Minutes",
        canary(10, 5),
    ),
    ecs(
        "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
        linear(10, 1),
    ),
    ecs(
        "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
        linear(10, 3),
    ),
    server(
        "CodeDeployDefault.HalfAtATime",
        MinimumHealthyHostsType::FleetPercent,
        50,
    ),
    lambda(
        "CodeDeployDefault.LambdaAllAtOnce",
        TrafficRouting::AllAtOnce,
    ),
    lambda(
        "CodeDeployDefault.LambdaCanary10Percent10Minutes",
        canary(10, 10),
    ),
    lambda(
        "CodeDeployDefault.LambdaCanary10Percent15Minutes",
        canary(10, 15),
    ),
    lambda(
        "CodeDeployDefault.LambdaCanary10Percent30Minutes",
        canary(10, 30),
    ),
    lambda(
        "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        canary(10, 5),
    ),
    lambda(
        "CodeDeployDefault.LambdaLinear10PercentEvery10Minutes",
        linear(10, 10),
    ),
    lambda(
        "CodeDeployDefault.LambdaLinear10PercentEvery1Minute",
        linear(10, 1),
    ),
    lambda(
        "CodeDeployDefault.LambdaLinear10PercentEvery2Minutes",
        linear(10, 2),
    ),
    lambda(
        "CodeDeployDefault.LambdaLinear10PercentEvery3Minutes",
        linear(10, 3),
    ),
    server(
        "CodeDeployDefault.OneAtATime",
        MinimumHealthyHostsType::HostCount,
        1,
    ),
];

/// The predefined configurations, sorted by name.
pub fn predefined() -> &'static [Predefined] {
    PREDEFINED
}

pub fn find_predefined(name: &str) -> Option<&'static Predefined> {
    PREDEFINED
        .binary_search_by(|p| p.name.cmp(name))
        .ok()
        .map(|i| &PREDEFINED[i])
}

/// `createTime` of the predefined configurations: CodeDeploy's launch day (2014-11-12).
pub const PREDEFINED_CREATED_AT: VTime = VTime(1_415_750_400_000);

/// A stable UUID-shaped id per predefined name (FNV-1a; the same in every partition).
fn predefined_id(name: &str) -> String {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in name.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    let s = format!("{h:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &s[0..8],
        &s[8..12],
        &s[12..16],
        &s[16..20],
        &s[20..32]
    )
}

impl Predefined {
    pub fn to_config(&self) -> DeploymentConfig {
        DeploymentConfig {
            name: self.name.to_owned(),
            id: predefined_id(self.name),
            compute_platform: self.compute_platform,
            created_at: PREDEFINED_CREATED_AT,
            traffic_routing: self.traffic_routing,
            minimum_healthy_hosts: self.minimum_healthy_hosts,
            zonal_config: None,
            predefined: true,
        }
    }
}

/// What a new custom configuration holds (validated by the API layer).
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentConfigSpec {
    pub compute_platform: ComputePlatform,
    pub traffic_routing: Option<TrafficRouting>,
    pub minimum_healthy_hosts: Option<MinimumHealthyHosts>,
    pub zonal_config: Option<serde_json::Value>,
}

/// Why a custom configuration cannot be deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteConfigRefusal {
    Predefined,
    /// Named by this deployment group (`application`, `group`).
    InUse(String, String),
}

impl CodeDeployState {
    /// A configuration by name: predefined or custom of this partition.
    pub fn deployment_config(&self, name: &str) -> Option<DeploymentConfig> {
        match find_predefined(name) {
            Some(p) => Some(p.to_config()),
            None => self.configs.get(name).cloned(),
        }
    }

    /// Resolves a configuration name into the traffic schedule a deployment runs (ECS and
    /// Lambda configurations). `None` when the name is unknown or names a Server
    /// configuration.
    pub fn traffic_routing(&self, name: &str) -> Option<TrafficRouting> {
        match find_predefined(name) {
            Some(p) => p.traffic_routing,
            None => self.configs.get(name).and_then(|c| c.traffic_routing),
        }
    }

    pub fn has_deployment_config(&self, name: &str) -> bool {
        find_predefined(name).is_some() || self.configs.contains_key(name)
    }

    /// Stores a custom configuration; `None` when the name is taken (predefined included).
    pub fn create_deployment_config(
        &mut self,
        name: &str,
        spec: DeploymentConfigSpec,
        now: VTime,
    ) -> Option<&DeploymentConfig> {
        if self.has_deployment_config(name) {
            return None;
        }
        self.configs.insert(
            name.to_owned(),
            DeploymentConfig {
                name: name.to_owned(),
                id: crate::ids::uuid(),
                compute_platform: spec.compute_platform,
                created_at: now,
                traffic_routing: spec.traffic_routing,
                minimum_healthy_hosts: spec.minimum_healthy_hosts,
                zonal_config: spec.zonal_config,
                predefined: false,
            },
        );
        self.configs.get(name)
    }

    /// Deletes a custom configuration; unknown names succeed (`Ok(None)`), as on AWS.
    pub fn delete_deployment_config(
        &mut self,
        name: &str,
    ) -> Result<Option<DeploymentConfig>, DeleteConfigRefusal> {
        if find_predefined(name).is_some() {
            return Err(DeleteConfigRefusal::Predefined);
        }
        if let Some(g) = self.groups_using_config(name).next() {
            return Err(DeleteConfigRefusal::InUse(
                g.application_name.clone(),
                g.name.clone(),
            ));
        }
        Ok(self.configs.remove(name))
    }

    /// Configuration names (predefined and custom, merged in name order) sorting after
    /// `after`, at most `limit`; the bool says whether more remain. O(log n + limit).
    pub fn list_deployment_configs(&self, after: Option<&str>, limit: usize) -> (Vec<&str>, bool) {
        let start = after.map_or(0, |a| PREDEFINED.partition_point(|p| p.name <= a));
        let mut pre = PREDEFINED[start..].iter().map(|p| p.name).peekable();
        let lower = after.map_or(Unbounded, Excluded);
        let mut custom = self
            .configs
            .range::<str, _>((lower, Unbounded))
            .map(|(k, _)| k.as_str())
            .peekable();
        let mut page = Vec::with_capacity(limit.min(128));
        loop {
            let next = match (pre.peek(), custom.peek()) {
                (None, None) => break,
                (Some(_), None) => pre.next(),
                (None, Some(_)) => custom.next(),
                (Some(a), Some(b)) => {
                    if a <= b {
                        pre.next()
                    } else {
                        custom.next()
                    }
                }
            };
            let Some(name) = next else { break };
            if page.len() == limit {
                return (page, true);
            }
            page.push(name);
        }
        (page, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn custom(p: ComputePlatform, r: Option<TrafficRouting>) -> DeploymentConfigSpec {
        DeploymentConfigSpec {
            compute_platform: p,
            traffic_routing: r,
            minimum_healthy_hosts: None,
            zonal_config: None,
        }
    }

    #[test]
    fn predefined_table_is_sorted_and_resolvable() {
        assert!(PREDEFINED.windows(2).all(|w| w[0].name < w[1].name));
        assert_eq!(PREDEFINED.len(), 17);
        let s = CodeDeployState::default();
        assert_eq!(
            s.traffic_routing("CodeDeployDefault.ECSCanary10Percent5Minutes"),
            Some(canary(10, 5))
        );
        assert_eq!(
            s.traffic_routing("CodeDeployDefault.ECSAllAtOnce"),
            Some(TrafficRouting::AllAtOnce)
        );
        assert_eq!(s.traffic_routing("CodeDeployDefault.OneAtATime"), None);
        assert_eq!(s.traffic_routing("nope"), None);
        let c = s
            .deployment_config("CodeDeployDefault.ECSLinear10PercentEvery3Minutes")
            .unwrap();
        assert!(c.predefined);
        assert_eq!(c.compute_platform, ComputePlatform::Ecs);
        assert_eq!(c.id.len(), 36);
        assert_eq!(
            c.id,
            s.deployment_config("CodeDeployDefault.ECSLinear10PercentEvery3Minutes")
                .unwrap()
                .id
        );
    }

    #[test]
    fn schedules() {
        let pcts = |r: TrafficRouting| -> Vec<u32> {
            r.shifts().iter().map(|s| s.replacement_percent).collect()
        };
        assert_eq!(pcts(TrafficRouting::AllAtOnce), [100]);
        assert_eq!(
            canary(10, 5).shifts(),
            [
                TrafficShift {
                    wait_minutes: 0,
                    replacement_percent: 10
                },
                TrafficShift {
                    wait_minutes: 5,
                    replacement_percent: 100
                }
            ]
        );
        let l = linear(10, 1);
        assert_eq!(pcts(l), (1..=10).map(|k| k * 10).collect::<Vec<_>>());
        assert_eq!(l.total_wait_minutes(), 9);
        assert_eq!(pcts(linear(30, 2)), [30, 60, 90, 100]);
        assert_eq!(linear(30, 2).total_wait_minutes(), 6);
        assert_eq!(pcts(linear(0, 1)).len(), 100);
    }

    #[test]
    fn custom_configs_list_merged_with_predefined() {
        let mut s = CodeDeployState::default();
        let spec = custom(ComputePlatform::Ecs, Some(canary(20, 2)));
        assert!(s
            .create_deployment_config("Custom", spec.clone(), VTime(5))
            .is_some());
        assert!(s
            .create_deployment_config("Custom", spec.clone(), VTime(5))
            .is_none());
        assert!(s
            .create_deployment_config("CodeDeployDefault.ECSAllAtOnce", spec.clone(), VTime(5))
            .is_none());
        assert!(s.create_deployment_config("zz", spec, VTime(5)).is_some());
        let mut all = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let (page, more) = s.list_deployment_configs(after.as_deref(), 4);
            assert!(page.len() <= 4);
            all.extend(page.iter().map(|n| n.to_string()));
            after = page.last().map(|n| n.to_string());
            if !more {
                break;
            }
        }
        assert_eq!(all.len(), 19);
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(all[0], "CodeDeployDefault.AllAtOnce");
        assert_eq!(all[17], "Custom");
        assert_eq!(all[18], "zz");
        assert_eq!(s.traffic_routing("Custom"), Some(canary(20, 2)));
        // Exactly a full page: no phantom "more".
        assert!(!s.list_deployment_configs(None, 19).1);
        assert!(s.list_deployment_configs(None, 18).1);
    }

    #[test]
    fn delete_refuses_predefined() {
        let mut s = CodeDeployState::default();
        assert_eq!(
            s.delete_deployment_config("CodeDeployDefault.ECSAllAtOnce"),
            Err(DeleteConfigRefusal::Predefined)
        );
        assert_eq!(s.delete_deployment_config("ghost"), Ok(None));
        s.create_deployment_config(
            "c",
            custom(ComputePlatform::Ecs, Some(TrafficRouting::AllAtOnce)),
            VTime(0),
        );
        assert!(s.delete_deployment_config("c").unwrap().is_some());
        assert!(!s.has_deployment_config("c"));
    }
}
