// `ferry config check|show` and `ferry alert test`.
#include <CLI/CLI.hpp>

#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/app_context.h"
#include "ferry/base/error.h"
#include "ferry/core/pipeline.h"
#include "ferry/log/alerts.h"
#include "ferry/net/mailer.h"
#include "ferry/net/redact.h"

namespace ferry::cli {

net::SmtpSettings smtp_settings(const config::Config& config) {
  const auto& a = config.table("alerts");
  net::SmtpSettings s;
  s.url = a.str("smtp_url");
  s.starttls_required = a.str("starttls") == "required";
  s.username = a.str("username");
  s.password = a.str("password");
  s.timeout = a.duration("timeout");
  return s;
}

log::AlertSettings alert_settings(const config::Config& config) {
  const auto& a = config.table("alerts");
  log::AlertSettings s;
  s.from = a.str("from");
  s.to = a.list("to");
  s.subject_prefix = a.str("subject_prefix");
  s.min_interval = a.duration("min_interval");
  s.secrets = config.secret_values();
  return s;
}

namespace {

int alert_test(AppContext& ctx) {
  const auto& config = ctx.config();
  auto settings = alert_settings(config);
  if (settings.to.empty()) throw UsageError("alerts.to is empty: no one to mail");
  net::CurlMailer mailer(smtp_settings(config));
  net::Mail mail;
  mail.from = settings.from;
  mail.to = settings.to;
  mail.subject = settings.subject_prefix + " test alert";
  mail.body = "This is a test alert from `ferry alert test`. If you read this, alert mail works.\n";
  try {
    mailer.send(mail, ctx.now());
  } catch (const OperationError& e) {
    spdlog::error("alert test: not sent: {}", e.what());
    return kExitWorkFailed;
  }
  std::cout << "alert test: sent to " << settings.to.size() << " recipient(s) through "
            << net::redact_url(config.table("alerts").str("smtp_url")) << "\n";
  return kExitOk;
}

}  // namespace

void add_config_commands(CLI::App& app, AppContext& ctx, int& exit_code) {
  auto* config = app.add_subcommand("config", "check or show the configuration");
  config->require_subcommand(1);
  auto* check = config->add_subcommand("check", "load and validate the config; exit 2 if bad");
  check->footer("Example: ferry --config config/ferry.toml config check");
  check->callback([&ctx, &exit_code] {
    const auto& c = ctx.config();
    std::cout << "config ok: " << (c.file().empty() ? "defaults and environment" : c.file())
              << "\n";
    for (const auto& w : core::config_warnings(c, ctx.pipelines()))
      std::cout << "warning: " << w.where << ": " << w.message << "\n";
    exit_code = kExitOk;
  });
  auto* show = config->add_subcommand("show", "print every value and where it came from");
  show->footer(
      "Secrets are masked. Origins: default, FILE:LINE, env NAME, flag NAME.\n"
      "Example: ferry config show");
  show->callback([&ctx, &exit_code] {
    std::cout << ctx.config().show();
    exit_code = kExitOk;
  });

  auto* example = config->add_subcommand("example", "print every key with its default (TOML)");
  example->footer("Example: ferry config example > config/ferry.toml");
  example->callback([&ctx, &exit_code] {
    std::cout << config::example_toml(ctx.schema());
    exit_code = kExitOk;
  });

  auto* alert = app.add_subcommand("alert", "alert mail tools");
  alert->require_subcommand(1);
  auto* test = alert->add_subcommand("test", "send one test mail now and report the result");
  test->footer("Example: ferry alert test");
  test->callback([&ctx, &exit_code] { exit_code = alert_test(ctx); });
}

}  // namespace ferry::cli
