//! ELBv2 target registration and target health.

use std::borrow::Cow;

use cutover_core::elbv2::health::{self, TargetHealthView, NOT_REGISTERED};
use cutover_core::elbv2::TargetGroup;
use cutover_core::{Scope, VTime};
use cutover_wire::query::QueryView;
use cutover_wire::xml::XmlWriter;
use cutover_wire::AwsError;

use super::target_groups::tg_not_found;
use super::{err, Empty, FromQuery, ToXml};

pub struct TargetDescription {
    pub id: String,
    pub port: Option<i32>,
    pub availability_zone: Option<String>,
}

pub struct TargetsInput {
    pub tg_arn: String,
    pub targets: Vec<TargetDescription>,
}

fn parse_targets(q: &QueryView<'_>, required: bool) -> Result<Vec<TargetDescription>, AwsError> {
    let items = match q.struct_list("Targets") {
        Some(v) if !v.is_empty() => v,
        _ if required => return Err(cutover_wire::query::missing(&q.path("Targets"))),
        _ => return Ok(Vec::new()),
    };
    items
        .iter()
        .map(|t| {
            Ok(TargetDescription {
                id: t.req_str("Id")?.to_owned(),
                port: t.int_in("Port", 1, 65_535)?.map(|n| n as i32),
                availability_zone: t.str("AvailabilityZone").map(str::to_owned),
            })
        })
        .collect()
}

impl FromQuery for TargetsInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(TargetsInput {
            tg_arn: q.req_str("TargetGroupArn")?.to_owned(),
            targets: parse_targets(q, true)?,
        })
    }
}

/// The port a target description means: its own, else the group's.
fn port_of(tg: &TargetGroup, t: &TargetDescription) -> Result<i32, AwsError> {
    t.port.or(tg.port).ok_or_else(|| {
        err(
            "InvalidTarget",
            format!("A port must be specified for target '{}'", t.id),
        )
    })
}

fn check_target_id(tg: &TargetGroup, id: &str) -> Result<(), AwsError> {
    let ok = match tg.target_type.as_str() {
        "ip" => match id.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => tg.ip_address_type == "ipv4",
            Ok(std::net::IpAddr::V6(_)) => tg.ip_address_type == "ipv6",
            Err(_) => false,
        },
        "instance" => {
            id.starts_with("i-") && id.len() > 2 && id[2..].bytes().all(|b| b.is_ascii_hexdigit())
        }
        "lambda" => id.starts_with("arn:aws:lambda:"),
        _ => id.starts_with("arn:aws:elasticloadbalancing:"),
    };
    if ok {
        Ok(())
    } else {
        Err(err(
            "InvalidTarget",
            format!(
                "The target '{id}' is not a valid target for a target group of type '{}'",
                tg.target_type
            ),
        ))
    }
}

pub fn register_targets(s: &mut Scope<'_>, input: TargetsInput) -> Result<Empty, AwsError> {
    let tg = s
        .state
        .elbv2
        .target_group_by_arn(&input.tg_arn)
        .ok_or_else(tg_not_found)?;
    let mut resolved = Vec::with_capacity(input.targets.len());
    for t in &input.targets {
        check_target_id(tg, &t.id)?;
        resolved.push((t.id.as_str(), port_of(tg, t)?, t.availability_zone.clone()));
    }
    if tg.targets.len() + resolved.len() > 1000 {
        return Err(err(
            "TooManyTargets",
            "A target group can have at most 1000 targets",
        ));
    }
    for (id, port, az) in resolved {
        health::register_target(s, &input.tg_arn, id, port, az);
    }
    Ok(Empty)
}

pub fn deregister_targets(s: &mut Scope<'_>, input: TargetsInput) -> Result<Empty, AwsError> {
    let tg = s
        .state
        .elbv2
        .target_group_by_arn(&input.tg_arn)
        .ok_or_else(tg_not_found)?;
    let resolved = input
        .targets
        .iter()
        .map(|t| Ok((t.id.as_str(), port_of(tg, t)?)))
        .collect::<Result<Vec<_>, AwsError>>()?;
    for (id, port) in resolved {
        health::deregister_target(s, &input.tg_arn, id, port);
    }
    Ok(Empty)
}

pub struct DescribeTargetHealthInput {
    tg_arn: String,
    targets: Vec<TargetDescription>,
}

impl FromQuery for DescribeTargetHealthInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        if let Some(inc) = q.str_list("Include") {
            for v in inc {
                if !matches!(v, "AnomalyDetection" | "All") {
                    return Err(AwsError::validation_error(format!(
                        "1 validation error detected: Value '{v}' at 'include' failed to satisfy constraint: Member must satisfy enum value set: [AnomalyDetection, All]"
                    )));
                }
            }
        }
        Ok(DescribeTargetHealthInput {
            tg_arn: q.req_str("TargetGroupArn")?.to_owned(),
            targets: parse_targets(q, false)?,
        })
    }
}

pub struct TargetHealthOutput<'a> {
    tg: &'a TargetGroup,
    rows: Vec<(Cow<'a, str>, i32, Option<&'a str>, TargetHealthView)>,
}

impl ToXml for TargetHealthOutput<'_> {
    fn write_xml(&self, w: &mut XmlWriter) {
        let hc_port = &self.tg.health_check.port;
        w.list(
            "TargetHealthDescriptions",
            &self.rows,
            |w, (id, port, az, v)| {
                w.open("Target");
                w.text_elem("Id", id);
                w.value_elem("Port", port);
                w.opt_text("AvailabilityZone", *az);
                w.close("Target");
                if hc_port == "traffic-port" {
                    w.value_elem("HealthCheckPort", port);
                } else {
                    w.text_elem("HealthCheckPort", hc_port);
                }
                w.open("TargetHealth");
                w.text_elem("State", v.state);
                w.opt_text("Reason", v.reason);
                w.opt_text("Description", v.description);
                w.close("TargetHealth");
            },
        );
    }
}

/// All registered and draining targets, or the requested ones (unregistered ones are reported
/// `unused` / `Target.NotRegistered`, which the `TargetDeregistered` waiter accepts).
pub fn describe_target_health<'s>(
    s: &'s mut Scope<'_>,
    input: DescribeTargetHealthInput,
) -> Result<TargetHealthOutput<'s>, AwsError> {
    let now: VTime = s.now;
    let tg = s
        .state
        .elbv2
        .target_group_by_arn(&input.tg_arn)
        .ok_or_else(tg_not_found)?;
    let rows = if input.targets.is_empty() {
        tg.targets
            .values()
            .map(|t| {
                (
                    Cow::Borrowed(t.id.as_str()),
                    t.port,
                    t.availability_zone.as_deref(),
                    health::view(tg, t, now),
                )
            })
            .collect()
    } else {
        let mut rows = Vec::with_capacity(input.targets.len());
        for d in input.targets {
            let port = port_of(tg, &d)?;
            let row = match tg.target(&d.id, port) {
                Some(t) => (
                    Cow::Borrowed(t.id.as_str()),
                    t.port,
                    t.availability_zone.as_deref(),
                    health::view(tg, t, now),
                ),
                None => {
                    check_target_id(tg, &d.id)?;
                    (Cow::Owned(d.id), port, None, NOT_REGISTERED)
                }
            };
            rows.push(row);
        }
        rows
    };
    Ok(TargetHealthOutput { tg, rows })
}
