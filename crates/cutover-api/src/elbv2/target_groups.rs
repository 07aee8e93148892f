//! ELBv2 target group operations and attributes.

use std::collections::BTreeMap;

use cutover_core::elbv2::target_groups::{
    self as core_tg, HealthCheck, NewTargetGroup, TargetGroup,
};
use cutover_core::Scope;
use cutover_wire::query::QueryView;
use cutover_wire::xml::XmlWriter;
use cutover_wire::AwsError;

use super::load_balancers::{lb_not_found, AttributesOutput};
use super::{
    attributes, bad_marker, check_name, err, page_size, strings, tags, Empty, FromQuery, ToXml,
};
use crate::page;

const PROTOCOLS: &[&str] = &[
    "HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE", "QUIC", "TCP_QUIC",
];

pub fn tg_not_found() -> AwsError {
    err("TargetGroupNotFound", "One or more target groups not found")
}

pub fn write_target_group(w: &mut XmlWriter, tg: &TargetGroup) {
    w.text_elem("TargetGroupArn", &tg.arn);
    w.text_elem("TargetGroupName", &tg.name);
    w.opt_text("Protocol", tg.protocol.as_deref());
    w.opt_value("Port", tg.port);
    w.opt_text("VpcId", tg.vpc_id.as_deref());
    let hc = &tg.health_check;
    w.opt_text("HealthCheckProtocol", hc.protocol.as_deref());
    w.text_elem("HealthCheckPort", &hc.port);
    w.value_elem("HealthCheckEnabled", hc.enabled);
    w.value_elem("HealthCheckIntervalSeconds", hc.interval_seconds);
    w.value_elem("HealthCheckTimeoutSeconds", hc.timeout_seconds);
    w.value_elem("HealthyThresholdCount", hc.healthy_threshold);
    w.value_elem("UnhealthyThresholdCount", hc.unhealthy_threshold);
    w.opt_text("HealthCheckPath", hc.path.as_deref());
    if hc.matcher_http.is_some() || hc.matcher_grpc.is_some() {
        w.open("Matcher");
        w.opt_text("HttpCode", hc.matcher_http.as_deref());
        w.opt_text("GrpcCode", hc.matcher_grpc.as_deref());
        w.close("Matcher");
    }
    w.str_list("LoadBalancerArns", tg.load_balancer_arns());
    w.text_elem("TargetType", &tg.target_type);
    w.opt_text("ProtocolVersion", tg.protocol_version.as_deref());
    w.text_elem("IpAddressType", &tg.ip_address_type);
}

pub struct TargetGroupsOutput<'a> {
    pub groups: Vec<&'a TargetGroup>,
    pub next_marker: Option<String>,
}

impl ToXml for TargetGroupsOutput<'_> {
    fn write_xml(&self, w: &mut XmlWriter) {
        w.list("TargetGroups", &self.groups, |w, tg| {
            write_target_group(w, tg)
        });
        w.opt_text("NextMarker", self.next_marker.as_deref());
    }
}

/// Health-check members common to CreateTargetGroup and ModifyTargetGroup, as given.
struct HealthCheckInput {
    protocol: Option<String>,
    port: Option<String>,
    enabled: Option<bool>,
    path: Option<String>,
    interval: Option<i32>,
    timeout: Option<i32>,
    healthy: Option<i32>,
    unhealthy: Option<i32>,
    matcher_http: Option<String>,
    matcher_grpc: Option<String>,
}

impl HealthCheckInput {
    fn parse(q: &QueryView<'_>) -> Result<Self, AwsError> {
        let port = q.str("HealthCheckPort").map(str::to_owned);
        if let Some(p) = &port {
            if p != "traffic-port" && !p.parse::<u16>().is_ok_and(|n| n > 0) {
                return Err(AwsError::validation_error(format!(
                    "Health check port '{p}' must be 'traffic-port' or a port number between 1 and 65535"
                )));
            }
        }
        let matcher = q.nested("Matcher");
        Ok(HealthCheckInput {
            protocol: q
                .enum_str("HealthCheckProtocol", PROTOCOLS)?
                .map(str::to_owned),
            port,
            enabled: q.bool("HealthCheckEnabled")?,
            path: q.str("HealthCheckPath").map(str::to_owned),
            interval: q
                .int_in("HealthCheckIntervalSeconds", 5, 300)?
                .map(|n| n as i32),
            timeout: q
                .int_in("HealthCheckTimeoutSeconds", 2, 120)?
                .map(|n| n as i32),
            healthy: q.int_in("HealthyThresholdCount", 2, 10)?.map(|n| n as i32),
            unhealthy: q
                .int_in("UnhealthyThresholdCount", 2, 10)?
                .map(|n| n as i32),
            matcher_http: matcher
                .as_ref()
                .and_then(|m| m.str("HttpCode"))
                .map(str::to_owned),
            matcher_grpc: matcher
                .as_ref()
                .and_then(|m| m.str("GrpcCode"))
                .map(str::to_owned),
        })
    }

    /// Applies the given members over `base` and checks the result.
    fn apply(self, mut hc: HealthCheck) -> Result<HealthCheck, AwsError> {
        if let Some(p) = self.protocol {
            hc.protocol = Some(p);
        }
        if let Some(p) = self.port {
            hc.port = p;
        }
        if let Some(e) = self.enabled {
            hc.enabled = e;
        }
        if let Some(p) = self.path {
            if !p.starts_with('/') || p.len() > 1024 {
                return Err(AwsError::validation_error(
                    "The health check path must begin with '/' and be at most 1024 characters",
                ));
            }
            hc.path = Some(p);
        }
        hc.interval_seconds = self.interval.unwrap_or(hc.interval_seconds);
        hc.timeout_seconds = self.timeout.unwrap_or(hc.timeout_seconds);
        hc.healthy_threshold = self.healthy.unwrap_or(hc.healthy_threshold);
        hc.unhealthy_threshold = self.unhealthy.unwrap_or(hc.unhealthy_threshold);
        if let Some(m) = self.matcher_http {
            hc.matcher_http = Some(m);
        }
        if let Some(m) = self.matcher_grpc {
            hc.matcher_grpc = Some(m);
        }
        if hc.timeout_seconds >= hc.interval_seconds {
            return Err(err(
                "InvalidConfigurationRequest",
                format!(
                    "Health check timeout ({}s) must be smaller than the interval ({}s)",
                    hc.timeout_seconds, hc.interval_seconds
                ),
            ));
        }
        Ok(hc)
    }
}

fn default_health_check(
    target_type: &str,
    protocol: Option<&str>,
    protocol_version: Option<&str>,
) -> HealthCheck {
    let http = matches!(protocol, Some("HTTP") | Some("HTTPS"));
    if target_type == "lambda" {
        return HealthCheck {
            enabled: false,
            protocol: None,
            port: "traffic-port".into(),
            path: Some("/".into()),
            interval_seconds: 35,
            timeout_seconds: 30,
            healthy_threshold: 5,
            unhealthy_threshold: 2,
            matcher_http: Some("200".into()),
            matcher_grpc: None,
        };
    }
    let grpc = protocol_version == Some("GRPC");
    HealthCheck {
        enabled: true,
        protocol: protocol.map(|p| if http { p.to_owned() } else { "TCP".to_owned() }),
        port: "traffic-port".into(),
        path: http.then(|| {
            if grpc {
                "/AWS.ALB/healthcheck".into()
            } else {
                "/".into()
            }
        }),
        interval_seconds: 30,
        timeout_seconds: if http { 5 } else { 10 },
        healthy_threshold: 5,
        unhealthy_threshold: 2,
        matcher_http: (http && !grpc).then(|| "200".into()),
        matcher_grpc: grpc.then(|| "12".into()),
    }
}

pub struct CreateTargetGroupInput {
    name: String,
    protocol: Option<String>,
    protocol_version: Option<String>,
    port: Option<i32>,
    vpc_id: Option<String>,
    target_type: String,
    ip_address_type: String,
    health_check: HealthCheckInput,
    tags: Vec<cutover_core::ecs::Tag>,
}

impl FromQuery for CreateTargetGroupInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(CreateTargetGroupInput {
            name: q.req_str("Name")?.to_owned(),
            protocol: q.enum_str("Protocol", PROTOCOLS)?.map(str::to_owned),
            protocol_version: q.str("ProtocolVersion").map(str::to_owned),
            port: q.int_in("Port", 1, 65_535)?.map(|n| n as i32),
            vpc_id: q.str("VpcId").map(str::to_owned),
            target_type: q
                .enum_str("TargetType", &["instance", "ip", "lambda", "alb"])?
                .unwrap_or("instance")
                .to_owned(),
            ip_address_type: q
                .enum_str("IpAddressType", &["ipv4", "ipv6"])?
                .unwrap_or("ipv4")
                .to_owned(),
            health_check: HealthCheckInput::parse(q)?,
            tags: tags(q)?,
        })
    }
}

pub fn create_target_group<'s>(
    s: &'s mut Scope<'_>,
    input: CreateTargetGroupInput,
) -> Result<TargetGroupsOutput<'s>, AwsError> {
    check_name("target group", &input.name)?;
    let lambda = input.target_type == "lambda";
    if !lambda {
        if input.protocol.is_none() {
            return Err(AwsError::validation_error("A protocol must be specified"));
        }
        if input.port.is_none() {
            return Err(AwsError::validation_error("A port must be specified"));
        }
        if input.vpc_id.as_deref().is_none_or(str::is_empty) {
            return Err(AwsError::validation_error("A VPC ID must be specified"));
        }
    } else if input.protocol.is_some() || input.port.is_some() || input.vpc_id.is_some() {
        return Err(AwsError::validation_error(
            "Protocol, port and VPC ID cannot be specified for target groups of type 'lambda'",
        ));
    }
    let http = matches!(input.protocol.as_deref(), Some("HTTP") | Some("HTTPS"));
    let protocol_version = match input.protocol_version.as_deref() {
        None if http => Some("HTTP1".to_owned()),
        None => None,
        Some(v @ ("HTTP1" | "HTTP2" | "GRPC")) if http => Some(v.to_owned()),
        Some(v) => {
            return Err(AwsError::validation_error(format!(
                "Protocol version '{v}' is not valid; HTTP and HTTPS target groups accept HTTP1, HTTP2 or GRPC"
            )))
        }
    };
    let base = default_health_check(
        &input.target_type,
        input.protocol.as_deref(),
        protocol_version.as_deref(),
    );
    let hc = input.health_check.apply(base)?;
    if let Some(existing) = s.state.elbv2.target_group_by_name(&input.name) {
        let same = existing.protocol == input.protocol
            && existing.port == input.port
            && existing.vpc_id == input.vpc_id
            && existing.target_type == input.target_type
            && existing.health_check == hc;
        if !same {
            return Err(err(
                "DuplicateTargetGroupName",
                "A target group with the same name exists, but with different settings",
            ));
        }
        let tg = s
            .state
            .elbv2
            .target_group_by_name(&input.name)
            .expect("checked above");
        return Ok(TargetGroupsOutput {
            groups: vec![tg],
            next_marker: None,
        });
    }
    let tg = core_tg::create_target_group(
        s,
        NewTargetGroup {
            name: input.name,
            protocol: input.protocol,
            protocol_version,
            port: input.port,
            vpc_id: input.vpc_id,
            target_type: input.target_type,
            ip_address_type: input.ip_address_type,
            health_check: hc,
            tags: input.tags,
        },
    );
    Ok(TargetGroupsOutput {
        groups: vec![tg],
        next_marker: None,
    })
}

pub struct DescribeTargetGroupsInput {
    lb_arn: Option<String>,
    arns: Option<Vec<String>>,
    names: Option<Vec<String>>,
    marker: Option<String>,
    page_size: usize,
}

impl FromQuery for DescribeTargetGroupsInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(DescribeTargetGroupsInput {
            lb_arn: q.str("LoadBalancerArn").map(str::to_owned),
            arns: strings(q, "TargetGroupArns").filter(|v| !v.is_empty()),
            names: strings(q, "Names").filter(|v| !v.is_empty()),
            marker: q.str("Marker").map(str::to_owned),
            page_size: page_size(q)?,
        })
    }
}

pub fn describe_target_groups<'s>(
    s: &'s mut Scope<'_>,
    input: DescribeTargetGroupsInput,
) -> Result<TargetGroupsOutput<'s>, AwsError> {
    let st = &s.state.elbv2;
    let filters =
        input.lb_arn.is_some() as u8 + input.arns.is_some() as u8 + input.names.is_some() as u8;
    if filters > 1 {
        return Err(AwsError::validation_error(
            "Only one of load balancer ARN, target group ARNs or target group names can be specified",
        ));
    }
    if let Some(arns) = input.arns {
        let groups = arns
            .iter()
            .map(|a| st.target_group_by_arn(a).ok_or_else(tg_not_found))
            .collect::<Result<_, _>>()?;
        return Ok(TargetGroupsOutput {
            groups,
            next_marker: None,
        });
    }
    if let Some(names) = input.names {
        let groups = names
            .iter()
            .map(|n| st.target_group_by_name(n).ok_or_else(tg_not_found))
            .collect::<Result<_, _>>()?;
        return Ok(TargetGroupsOutput {
            groups,
            next_marker: None,
        });
    }
    if let Some(lb) = input.lb_arn {
        if st.load_balancer_by_arn(&lb).is_none() {
            return Err(lb_not_found());
        }
        return Ok(TargetGroupsOutput {
            groups: st.target_groups_of_load_balancer(&lb),
            next_marker: None,
        });
    }
    let after = page::resume_after(input.marker.as_deref(), bad_marker)?;
    let (groups, more) = st.list_target_groups(after.as_deref(), input.page_size);
    Ok(TargetGroupsOutput {
        next_marker: page::next_token(more, groups.last().map(|g| g.name.as_str())),
        groups,
    })
}

pub struct ModifyTargetGroupInput {
    arn: String,
    health_check: HealthCheckInput,
}

impl FromQuery for ModifyTargetGroupInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(ModifyTargetGroupInput {
            arn: q.req_str("TargetGroupArn")?.to_owned(),
            health_check: HealthCheckInput::parse(q)?,
        })
    }
}

pub fn modify_target_group<'s>(
    s: &'s mut Scope<'_>,
    input: ModifyTargetGroupInput,
) -> Result<TargetGroupsOutput<'s>, AwsError> {
    let tg = s
        .state
        .elbv2
        .target_group_by_arn(&input.arn)
        .ok_or_else(tg_not_found)?;
    let hc = input.health_check.apply(tg.health_check.clone())?;
    core_tg::set_health_check(s, &input.arn, hc);
    let tg = s
        .state
        .elbv2
        .target_group_by_arn(&input.arn)
        .expect("exists");
    Ok(TargetGroupsOutput {
        groups: vec![tg],
        next_marker: None,
    })
}

pub struct TargetGroupArnInput {
    pub arn: String,
}

impl FromQuery for TargetGroupArnInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(TargetGroupArnInput {
            arn: q.req_str("TargetGroupArn")?.to_owned(),
        })
    }
}

/// Deleting a group some listener or rule forwards to is refused; an unknown ARN succeeds.
pub fn delete_target_group(
    s: &mut Scope<'_>,
    input: TargetGroupArnInput,
) -> Result<Empty, AwsError> {
    if let Some(tg) = s.state.elbv2.target_group_by_arn(&input.arn) {
        if tg.in_use() {
            return Err(err(
                "ResourceInUse",
                format!(
                    "Target group '{}' is currently in use by a listener or a rule",
                    input.arn
                ),
            ));
        }
    }
    core_tg::delete_target_group(s, &input.arn);
    Ok(Empty)
}

pub fn describe_target_group_attributes<'s>(
    s: &'s mut Scope<'_>,
    input: TargetGroupArnInput,
) -> Result<AttributesOutput<'s>, AwsError> {
    let tg = s
        .state
        .elbv2
        .target_group_by_arn(&input.arn)
        .ok_or_else(tg_not_found)?;
    Ok(AttributesOutput {
        attributes: &tg.attributes,
    })
}

pub struct ModifyTargetGroupAttributesInput {
    arn: String,
    attributes: Vec<(String, String)>,
}

impl FromQuery for ModifyTargetGroupAttributesInput {
    fn from_query(q: &QueryView<'_>) -> Result<Self, AwsError> {
        Ok(ModifyTargetGroupAttributesInput {
            arn: q.req_str("TargetGroupArn")?.to_owned(),
            attributes: attributes(q)?,
        })
    }
}

fn int_between(v: &str, lo: i64, hi: i64) -> bool {
    v.parse::<i64>().is_ok_and(|n| (lo..=hi).contains(&n))
}

fn check_tg_attribute(
    existing: &BTreeMap<String, String>,
    key: &str,
    value: &str,
) -> Result<(), AwsError> {
    if !existing.contains_key(key) {
        return Err(AwsError::validation_error(format!(
            "Target group attribute key '{key}' is not recognized"
        )));
    }
    let ok = match key {
        "deregistration_delay.timeout_seconds" => int_between(value, 0, 3600),
        "stickiness.lb_cookie.duration_seconds" | "stickiness.app_cookie.duration_seconds" => {
            int_between(value, 1, 604_800)
        }
        "slow_start.duration_seconds" => value == "0" || int_between(value, 30, 900),
        "stickiness.type" => matches!(
            value,
            "lb_cookie"
                | "app_cookie"
                | "source_ip"
                | "source_ip_dest_ip"
                | "source_ip_dest_ip_proto"
        ),
        "load_balancing.algorithm.type" => matches!(
            value,
            "round_robin" | "least_outstanding_requests" | "weighted_random"
        ),
        "load_balancing.algorithm.anomaly_mitigation" => matches!(value, "on" | "off"),
        "load_balancing.cross_zone.enabled" => {
            matches!(value, "true" | "false" | "use_load_balancer_configuration")
        }
        k if k.ends_with(".enabled") => matches!(value, "true" | "false"),
        k if k.ends_with(".count") => int_between(value, 1, 100_000),
        k if k.ends_with(".percentage") => value == "off" || int_between(value, 1, 100),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(err(
            "InvalidConfigurationRequest",
            format!("The value '{value}' is not valid for target group attribute '{key}'"),
        ))
    }
}

pub fn modify_target_group_attributes<'s>(
    s: &'s mut Scope<'_>,
    input: ModifyTargetGroupAttributesInput,
) -> Result<AttributesOutput<'s>, AwsError> {
    let tg = s
        .state
        .elbv2
        .target_group_by_arn(&input.arn)
        .ok_or_else(tg_not_found)?;
    for (k, v) in &input.attributes {
        check_tg_attribute(&tg.attributes, k, v)?;
    }
    let tg = s
        .state
        .elbv2
        .target_group_by_arn_mut(&input.arn)
        .expect("exists");
    for (k, v) in input.attributes {
        tg.attributes.insert(k, v);
    }
    Ok(AttributesOutput {
        attributes: &tg.attributes,
    })
}
