// Tests of sim/registry: a registry category of the tests' own ("test_widget") for duplicate
// names, unknown models and the loader's use of the index; and the built-in categories and
// models with their parameter declarations.
//
// RegistryIndex is process-global. ctest runs each TEST_CASE in its own process, but running the
// binary directly runs them all in one, so the test category is created once, by function-local
// statics.
#include "sim/registry/registry.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "sim/scenario/datetime.hpp"
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/arrivals/arrival_process.hpp"
#include "models/register_models.hpp"
#include "models/serving/service_time.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/scenario_schema.hpp"
#include "sim/scenario/units.hpp"

using Catch::Contains;
using dcsim::ModelInfo;
using dcsim::RegistryIndex;
using dcsim::scenario::ChildKind;
using dcsim::scenario::ChildSpec;
using dcsim::scenario::Config;
using dcsim::scenario::InputError;
using dcsim::scenario::Issue;
using dcsim::scenario::load_text;
using dcsim::scenario::LoadedScenario;
using dcsim::scenario::Location;
using dcsim::scenario::ParamKind;
using dcsim::scenario::ParamSpec;
using dcsim::scenario::Schema;
using dcsim::units::Quantity;

namespace {

const char* const kCategory = "test_widget";

struct Widget {
  virtual ~Widget() = default;
  virtual std::string describe() const = 0;
};

struct Gear final : Widget {
  Gear(int teeth, double size, int scale) : teeth_(teeth), size_(size), scale_(scale) {}
  std::string describe() const override {
    return "gear " + std::to_string(teeth_ * scale_) + " " + std::to_string(static_cast<int>(std::lround(size_ * 1000)));
  }
  int teeth_;
  double size_;
  int scale_;
};

struct Cog final : Widget {
  std::string describe() const override { return "cog"; }
};

// The extra factory argument checks that create() forwards it.
using WidgetRegistry = dcsim::Registry<Widget, int>;

WidgetRegistry& widgets() {
  static WidgetRegistry r(kCategory, "Widgets of the registry tests.");
  static const bool added = [] {
    r.add("gear", "A gear with teeth.",
          {ParamSpec::integer("teeth").req().at_least(3).doc("Number of teeth."),
           ParamSpec::quantity_of("size", Quantity::data).def("2 kB").above(0).doc("Size of the gear.")},
          [](const Config& c, int scale) {
            return std::make_unique<Gear>(static_cast<int>(c.integer("teeth")), c.num("size"), scale);
          });
    r.add("cog", "A cog without parameters.", {}, [](const Config&, int) { return std::make_unique<Cog>(); });
    return true;
  }();
  (void)added;
  return r;
}

// A scenario-like schema with one model block of the test category; `gear` when absent.
const Schema& widget_schema() {
  static const Schema s{"widget_test",
                        "",
                        {ParamSpec::string("name").def("w").doc("Name.")},
                        {ChildSpec{"widget", ChildKind::model, nullptr, kCategory, "cog", false, "The widget."}}};
  return s;
}

std::vector<Issue> widget_errors(const std::string& text) {
  widgets();
  try {
    load_text(text, "w.yaml", widget_schema(), {});
  } catch (const InputError& e) {
    return e.issues();
  }
  FAIL_CHECK("loaded without error:\n" << text);
  return {};
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

TEST_CASE("registry: a model registered twice is a logic_error naming it") {
  auto& r = widgets();
  CHECK(r.category() == kCategory);
  CHECK(r.contains("gear"));
  CHECK_FALSE(r.contains("sprocket"));
  CHECK_THROWS_AS(r.add("gear", "again", {}, [](const Config&, int) { return std::make_unique<Cog>(); }),
                  std::logic_error);
  CHECK_THROWS_WITH(r.add("gear", "again", {}, [](const Config&, int) { return std::make_unique<Cog>(); }),
                    Contains("'gear'") && Contains(kCategory) && Contains("twice"));
  // The failed add changed nothing.
  const ModelInfo* info = RegistryIndex::global().find(kCategory, "gear");
  REQUIRE(info != nullptr);
  CHECK(info->help == "A gear with teeth.");
  CHECK(RegistryIndex::global().names(kCategory) == std::vector<std::string>{"cog", "gear"});

  // The index refuses duplicates on its own too.
  CHECK_THROWS_WITH(RegistryIndex::global().add_model(ModelInfo{kCategory, "cog", "dup", Schema{}}),
                    Contains("'cog'") && Contains("twice"));
  CHECK_THROWS_AS(RegistryIndex::global().add_category(kCategory, "again"), std::logic_error);
  CHECK_THROWS_WITH(RegistryIndex::global().add_model(ModelInfo{"test_widget_none", "x", "", Schema{}}),
                    Contains("unknown category 'test_widget_none'"));
  CHECK_FALSE(RegistryIndex::global().has_category("test_widget_none"));
}

TEST_CASE("registry: create() builds the named model and refuses an unknown one listing the known") {
  auto& r = widgets();
  const ModelInfo* info = RegistryIndex::global().find(kCategory, "gear");
  REQUIRE(info != nullptr);

  Config gear(&info->schema, "widget", Location{"t.yaml", 1, 1});
  gear.set_model("gear");
  dcsim::scenario::Value teeth;
  teeth.kind = ParamKind::integer;
  teeth.number = 12;
  teeth.present = true;
  gear.set_value("teeth", teeth);
  dcsim::scenario::Value size;
  size.number = 3000;
  size.present = true;
  gear.set_value("size", size);
  const std::unique_ptr<Widget> w = r.create(gear, 2);
  REQUIRE(w != nullptr);
  CHECK(w->describe() == "gear 24 3000000");

  Config unknown(&info->schema, "widget", Location{});
  unknown.set_model("sprocket");
  CHECK_THROWS_AS(r.create(unknown, 1), std::logic_error);
  CHECK_THROWS_WITH(r.create(unknown, 1), Contains("'sprocket'") && Contains("'cog', 'gear'") && Contains(kCategory));
}

TEST_CASE("registry: the loader validates model blocks of any registered category") {
  auto& r = widgets();
  {
    const LoadedScenario s = load_text("widget: {model: gear, teeth: 40}\n", "w.yaml", widget_schema(), {});
    const Config& c = s.root.child("widget");
    CHECK(c.model() == "gear");
    CHECK(c.path() == "widget");
    CHECK(c.integer("teeth") == 40);
    CHECK(c.num("size") == Approx(2000.0));
    CHECK(c.value("size").defaulted);
    CHECK(r.create(c, 1)->describe() == "gear 40 2000000");
  }
  {
    // Absent: the default model; a bare name is shorthand for {model: NAME}.
    const LoadedScenario absent = load_text("name: a\n", "w.yaml", widget_schema(), {});
    CHECK(absent.root.child("widget").model() == "cog");
    const LoadedScenario bare = load_text("widget: cog\n", "w.yaml", widget_schema(), {});
    CHECK(bare.root.child("widget").model() == "cog");
    CHECK(r.create(bare.root.child("widget"), 1)->describe() == "cog");
  }
  {
    const std::vector<Issue> issues = widget_errors("widget: {model: gaer, teeth: 40}\n");
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].str() == "w.yaml:1:17: widget.model: unknown test_widget model 'gaer'; did you mean 'gear'?");
  }
  {
    const std::vector<Issue> issues = widget_errors("widget: {model: sprocket}\n");
    REQUIRE(issues.size() == 1);
    CHECK_THAT(issues[0].str(), Contains("unknown test_widget model 'sprocket'; known models: 'cog' or 'gear'"));
  }
  {
    const std::vector<Issue> issues = widget_errors("widget: {model: gear, teeth: 2, sise: 1 kB}\n");
    REQUIRE(issues.size() == 2);
    CHECK_THAT(issues[0].str(), Contains("widget: unknown key 'sise' in this 'gear' test_widget model; did you mean 'size'?"));
    CHECK_THAT(issues[1].str(), Contains("w.yaml:1:30: widget.teeth: got '2', expected an integer >= 3"));
  }
  {
    const std::vector<Issue> issues = widget_errors("widget: {model: gear}\n");
    REQUIRE(issues.size() == 1);
    CHECK_THAT(issues[0].str(), Contains("widget: missing required key 'teeth' (an integer >= 3)"));
  }
}

TEST_CASE("registry: the built-in categories and models are listed") {
  dcsim::register_builtin_models();
  dcsim::register_builtin_models();  // idempotent
  const RegistryIndex& index = RegistryIndex::global();
  const std::vector<std::string> cats = index.categories();
  INFO("categories: " << joined(cats));
  CHECK(std::is_sorted(cats.begin(), cats.end()));
  CHECK(contains(cats, "arrivals"));
  CHECK(contains(cats, "service_time"));
  CHECK(index.has_category("arrivals"));
  CHECK_FALSE(index.category_help("arrivals").empty());
  CHECK_FALSE(index.category_help("service_time").empty());
  CHECK(index.category_help("no_such_category").empty());
  CHECK(index.names("no_such_category").empty());
  CHECK(index.find("arrivals", "no_such_model") == nullptr);
  CHECK(index.find("no_such_category", "poisson") == nullptr);

  const std::vector<std::string> arrivals = index.names("arrivals");
  INFO("arrivals: " << joined(arrivals));
  CHECK(contains(arrivals, "poisson"));
  CHECK(std::is_sorted(arrivals.begin(), arrivals.end()));
  const std::vector<std::string> service = index.names("service_time");
  INFO("service_time: " << joined(service));
  CHECK(contains(service, "fixed"));
  CHECK(contains(service, "exponential"));
  CHECK(contains(service, "lognormal"));
  CHECK(std::is_sorted(service.begin(), service.end()));

  const ModelInfo* poisson = index.find("arrivals", "poisson");
  REQUIRE(poisson != nullptr);
  CHECK(poisson->category == "arrivals");
  CHECK(poisson->name == "poisson");
  const ParamSpec* rate = poisson->schema.find_param("rate");
  REQUIRE(rate != nullptr);
  CHECK(rate->required);
  CHECK(rate->kind == ParamKind::quantity);
  CHECK(rate->quantity == Quantity::rate);

  // The typed registries agree with the index.
  CHECK(dcsim::arrivals::arrivals_registry().contains("poisson"));
  CHECK(dcsim::arrivals::arrivals_registry().category() == "arrivals");
  for (const auto& n : service) CHECK(dcsim::serving::service_time_registry().contains(n));
}

TEST_CASE("registry: built-in models build from loaded configs") {
  dcsim::register_builtin_models();
  const LoadedScenario s = dcsim::scenario::load_scenario(DCSIM_SOURCE_DIR "/scenarios/smoke.yaml", {});
  const Config& arrivals = s.root.list("workloads")[0].child("arrivals");
  const auto a = dcsim::arrivals::arrivals_registry().create(arrivals, dcsim::arrivals::ArrivalContext{});
  REQUIRE(a != nullptr);
  CHECK(a->mean_rate() == Approx(6.0));
  const Config& service = s.root.list("sites")[0].list("pools")[0].child("service");
  const auto st = dcsim::serving::service_time_registry().create(service);
  REQUIRE(st != nullptr);
  CHECK(st->mean() == Approx(2.0 * std::exp(0.5 * 0.6 * 0.6)));
}

TEST_CASE("registry: every built-in model's parameters have help and a parseable default") {
  dcsim::register_builtin_models();
  const RegistryIndex& index = RegistryIndex::global();
  size_t models = 0;
  for (const std::string category : {"arrivals", "service_time"}) {
    for (const auto& name : index.names(category)) {
      const ModelInfo* info = index.find(category, name);
      REQUIRE(info != nullptr);
      INFO(category << " model '" << name << "'");
      ++models;
      CHECK_FALSE(info->help.empty());
      CHECK(info->schema.find_param("model") == nullptr);  // 'model' is the block's selector key
      for (const ParamSpec& p : info->schema.params) {
        INFO("parameter '" << p.name << "'");
        CHECK_FALSE(p.help.empty());
        if (p.required) {
          CHECK(p.default_text.empty());
          continue;
        }
        if (p.default_text.empty()) continue;  // optional without default: allowed by the declaration
        switch (p.kind) {
          case ParamKind::quantity: {
            double v = 0;
            REQUIRE_NOTHROW(v = dcsim::units::parse(p.default_text, p.quantity));
            CHECK(std::isfinite(v));
            CHECK((p.min_exclusive ? v > p.min : v >= p.min));
            CHECK((p.max_exclusive ? v < p.max : v <= p.max));
            break;
          }
          case ParamKind::datetime:
            CHECK_NOTHROW(dcsim::scenario::parse_datetime(p.default_text));
            break;
          case ParamKind::integer: {
            size_t used = 0;
            double v = 0;
            REQUIRE_NOTHROW(v = std::stod(p.default_text, &used));
            CHECK(used == p.default_text.size());
            CHECK(v == std::floor(v));
            CHECK(v >= p.min);
            CHECK(v <= p.max);
            break;
          }
          case ParamKind::boolean:
            CHECK((p.default_text == "true" || p.default_text == "false"));
            break;
          case ParamKind::choice:
            CHECK(std::find(p.choices.begin(), p.choices.end(), p.default_text) != p.choices.end());
            break;
          case ParamKind::string:
            break;
        }
      }
    }
  }
  CHECK(models >= 4);
}
