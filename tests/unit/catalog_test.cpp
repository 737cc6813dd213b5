// Tests of models/catalog: the built-in GPU, server and model catalogs load and match the
// calibration reference (shared/reference/calibration.yaml), inline overrides merge field by field,
// and bad input is reported with file:line:col, the key path and a suggestion.
#include "models/catalog/catalog.hpp"

#include <catch2/catch.hpp>
#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/loader.hpp"

using Catch::Contains;
using dcsim::catalog::Catalog;
using dcsim::catalog::ModelKind;
using dcsim::scenario::InputError;
using dcsim::scenario::Issue;
using dcsim::scenario::Location;

namespace {

const std::string kData = std::string(DCSIM_TEST_DATA) + "/catalog/";

const Catalog& builtin() {
  static const Catalog cat = Catalog::load_builtin(Catalog::builtin_dir());
  return cat;
}

// The issues of the InputError thrown by f (fails the test if none is thrown).
template <class F>
std::vector<Issue> issues_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.issues();
  }
  FAIL("expected an InputError");
  return {};
}

// The issue whose key path is `path` (fails the test if there is none).
Issue find_issue(const std::vector<Issue>& issues, const std::string& path) {
  for (const auto& i : issues)
    if (i.path == path) return i;
  std::string all;
  for (const auto& i : issues) all += i.str() + "\n";
  FAIL("no issue at " << path << " among:\n" << all);
  return {};
}

}  // namespace

TEST_CASE("catalog: built-in files load") {
  const Catalog& cat = builtin();
  CHECK(cat.gpu_names() == std::vector<std::string>{"a100-sxm-80gb", "b200", "h100-sxm", "h200"});
  CHECK(cat.server_names() == std::vector<std::string>{"dgx-a100", "dgx-b200", "dgx-h100", "hgx-h200"});
  CHECK(cat.model_names() == std::vector<std::string>{"cogvideox-1.5-5b", "flux.1-dev", "gpt-oss-120b", "llama-3.1-405b",
                                                       "llama-3.1-405b-fp8", "llama-3.1-70b", "llama-3.1-8b", "sd3-medium",
                                                       "sd3.5-large", "sd3.5-medium", "sdxl"});
  for (const auto& name : cat.server_names()) CHECK_NOTHROW(cat.gpu(cat.server(name).gpu));
}

TEST_CASE("catalog: GPU values match calibration") {
  const auto& h100 = builtin().gpu("h100-sxm");
  CHECK(h100.name == "h100-sxm");
  // Memory is the CUDA total in binary units (gpus.yaml): "80 GB" of HBM is 80 GiB, less ~0.5 GiB.
  CHECK(h100.memory_B == Approx(79.15 * 1073741824.0));
  CHECK(h100.memory_B > 80e9);
  CHECK(h100.memory_B < 80.0 * 1073741824.0);
  CHECK(h100.memory_bw_Bps == Approx(3.35e12));
  CHECK(h100.bf16_flops == Approx(989.4e12));
  CHECK(h100.fp8_flops == Approx(1978.9e12));
  CHECK(h100.tdp_W == Approx(700));
  CHECK(h100.nvlink_Bps == Approx(900e9));
  CHECK(h100.idle_W >= 60);  // est.h100_idle: 60-90 W
  CHECK(h100.idle_W <= 90);
  CHECK(h100.idle_loaded_W - h100.idle_W >= 26);  // meas.gpu_idle_context_delta: 26-50 W
  CHECK(h100.idle_loaded_W - h100.idle_W <= 50);

  const auto& b200 = builtin().gpu("b200");
  CHECK(b200.memory_B == Approx(178.36 * 1073741824.0));
  CHECK(b200.memory_B < 183359.0 * 1048576.0);  // nvidia-smi total
  CHECK(b200.memory_bw_Bps == Approx(8e12));
  CHECK(b200.bf16_flops == Approx(2250e12));
  CHECK(b200.tdp_W == Approx(1000));

  const auto& a100 = builtin().gpu("a100-sxm-80gb");
  CHECK(a100.fp8_flops == 0);
  CHECK(a100.memory_bw_Bps == Approx(2039e9));
  CHECK(a100.tdp_W == Approx(400));

  const auto& h200 = builtin().gpu("h200");
  CHECK(h200.memory_B == Approx(139.9 * 1073741824.0));
  CHECK(h200.memory_B < 143771.0 * 1048576.0);  // nvidia-smi total
  CHECK(h200.memory_bw_Bps == Approx(4.8e12));
}

TEST_CASE("catalog: server values match calibration and the node power envelope") {
  const Catalog& cat = builtin();
  const auto& dgx = cat.server("dgx-h100");
  CHECK(dgx.gpu == "h100-sxm");
  CHECK(dgx.gpus == 8);
  CHECK(dgx.max_W == Approx(10.2e3));
  CHECK(cat.server("dgx-a100").max_W == Approx(6.5e3));
  CHECK(cat.server("hgx-h200").max_W == Approx(10.2e3));
  CHECK(cat.server("dgx-b200").max_W == Approx(14.3e3));
  // VC10: 8 GPUs at ~690 W plus the non-GPU share lands within 10% of the 8.4 kW measured peak.
  CHECK(8 * 690 + dgx.other_max_W == Approx(8.4e3).epsilon(0.1));
  for (const auto& name : cat.server_names()) {
    INFO(name);
    const auto& s = cat.server(name);
    CHECK(s.gpus * cat.gpu(s.gpu).tdp_W + s.other_max_W <= s.max_W);
    CHECK(s.other_idle_W > 0);
    CHECK(s.other_idle_W <= s.other_max_W);
  }
}

TEST_CASE("catalog: Llama weights and KV cache per token") {
  const auto& m = builtin().model("llama-3.1-8b");
  CHECK(m.kind == ModelKind::llm);
  CHECK(m.weights_B() == Approx(16.06e9));
  CHECK(m.kv_bytes_per_token == Approx(131072));
  CHECK(m.layers == 32);
  CHECK(m.hidden == 4096);
  // KV bytes per token = 2 (K, V) x layers x 8 KV heads x 128 head dim x 2 bytes (BF16).
  for (const char* name : {"llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b"}) {
    INFO(name);
    const auto& llm = builtin().model(name);
    CHECK(llm.kv_bytes_per_token == Approx(2.0 * llm.layers * 8 * 128 * 2));
  }
  CHECK(builtin().model("llama-3.1-405b").params == Approx(405.9e9));
  CHECK(builtin().model("llama-3.1-70b").layers == 80);
}

TEST_CASE("catalog: diffusion and video models have steps and FLOPs per step") {
  const Catalog& cat = builtin();
  CHECK(cat.model("sdxl").default_steps == 20);
  CHECK(cat.model("sd3-medium").default_steps == 28);
  CHECK(cat.model("flux.1-dev").default_steps == 50);
  CHECK(cat.model("cogvideox-1.5-5b").default_steps == 50);
  CHECK(cat.model("cogvideox-1.5-5b").kind == ModelKind::video);
  CHECK(cat.model("sdxl").kind == ModelKind::diffusion);
  CHECK(cat.model("sdxl").ref_pixels == Approx(1024.0 * 1024.0));
  // mlperf_v40.sdxl.h100x1: 1.64 images/s at 20 steps. The step FLOPs must not imply more than the
  // H100's peak, nor an implausibly low utilisation.
  const double step_s = 1.0 / 1.64178 / 20;
  const double utilisation = cat.model("sdxl").flops_per_step / step_s / cat.gpu("h100-sxm").bf16_flops;
  CHECK(utilisation > 0.2);
  CHECK(utilisation < 0.8);
}

TEST_CASE("catalog: merge overrides one field and keeps the rest") {
  Catalog cat = builtin();
  cat.merge(YAML::Load("gpus:\n  h100-sxm:\n    tdp: 600 W\n"), "scenario.yaml");
  const auto& h100 = cat.gpu("h100-sxm");
  CHECK(h100.tdp_W == Approx(600));
  CHECK(h100.memory_bw_Bps == Approx(3.35e12));
  CHECK(h100.bf16_flops == Approx(989.4e12));
  CHECK(h100.idle_W == Approx(builtin().gpu("h100-sxm").idle_W));
  CHECK(builtin().gpu("h100-sxm").tdp_W == Approx(700));  // the copy was changed, not the original
}

TEST_CASE("catalog: merge adds a new GPU and a server using it") {
  Catalog cat = builtin();
  cat.merge(YAML::Load(R"(
gpus:
  mi300x:
    memory: 192 GB
    memory_bandwidth: 5.3 TB/s
    bf16: 1307 TFLOP/s
    tdp: 750 W
    idle_power: 90 W
    idle_loaded_power: 130 W
servers:
  mi300x-node:
    gpu: mi300x
    gpus: 8
    max_power: 12 kW
    other_idle_power: 1 kW
    other_max_power: 3 kW
)"),
            "scenario.yaml");
  CHECK(cat.gpu("mi300x").memory_B == Approx(192e9));
  CHECK(cat.gpu("mi300x").fp8_flops == 0);  // optional, not given
  CHECK(cat.server("mi300x-node").gpu == "mi300x");
  CHECK(cat.gpu("h100-sxm").tdp_W == Approx(700));
}

TEST_CASE("catalog: unknown name suggests the nearest") {
  const Location where{"scenario.yaml", 7, 12};
  const auto issues = issues_of([&] { (void)builtin().gpu("h100-sx", where, "sites[0].pools[0].gpu"); });
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].where.line == 7);
  CHECK(issues[0].where.column == 12);
  CHECK(issues[0].path == "sites[0].pools[0].gpu");
  CHECK_THAT(issues[0].message, Contains("unknown GPU 'h100-sx'") && Contains("did you mean 'h100-sxm'?") &&
                                    Contains("'a100-sxm-80gb'") && Contains("'b200'"));
  // A unique prefix is suggested before a closer but different name ('h100' is one edit from 'h200').
  CHECK_THROWS_WITH(builtin().gpu("h100"), Contains("did you mean 'h100-sxm'?"));
  CHECK_THROWS_WITH(builtin().model("llama-3.1-8"), Contains("did you mean 'llama-3.1-8b'?"));
  CHECK_THROWS_WITH(builtin().server("dgx-h10"), Contains("did you mean 'dgx-h100'?"));
}

TEST_CASE("catalog: bad value in a file reports file line column and key path") {
  Catalog cat = builtin();
  const std::string file = kData + "bad_value.yaml";
  const auto issues = issues_of([&] { cat.merge_file(file); });
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].where.file == file);
  CHECK(issues[0].where.line == 4);
  CHECK(issues[0].where.column == 23);
  CHECK(issues[0].path == "gpus.h100-sxm.memory_bandwidth");
  CHECK_THAT(issues[0].message, Contains("'3.35 TB'") && Contains("bandwidth such as"));
  CHECK_THAT(issues[0].str(), Contains("bad_value.yaml:4:23: gpus.h100-sxm.memory_bandwidth: got '3.35 TB'"));
  CHECK(cat.gpu("h100-sxm").memory_bw_Bps == Approx(3.35e12));  // a failed merge changes nothing
}

TEST_CASE("catalog: unknown field in a file suggests the nearest") {
  Catalog cat = builtin();
  const auto issues = issues_of([&] { cat.merge_file(kData + "unknown_field.yaml"); });
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].where.line == 4);
  CHECK(issues[0].where.column == 5);
  CHECK(issues[0].path == "gpus.h100-sxm.memory_bandwith");
  CHECK_THAT(issues[0].message, Contains("unknown field 'memory_bandwith'") &&
                                    Contains("did you mean 'memory_bandwidth'?"));
}

TEST_CASE("catalog: several problems are collected") {
  Catalog cat = builtin();
  const auto issues = issues_of([&] { cat.merge_file(kData + "several_problems.yaml"); });
  CHECK(issues.size() >= 5);
  const Issue memory = find_issue(issues, "gpus.x100.memory");
  CHECK(memory.where.line == 4);
  CHECK(memory.where.column == 13);
  CHECK_THAT(memory.message, Contains("'80 GX'"));
  const Issue bw = find_issue(issues, "gpus.x100.memory_bandwidth");
  CHECK(bw.where.line == 5);
  CHECK_THAT(bw.message, Contains("'-1 TB/s'") && Contains("expected a positive bandwidth"));
  CHECK_THAT(find_issue(issues, "gpus.x100").message, Contains("missing required field 'idle_loaded_power'"));
  const Issue gpu = find_issue(issues, "servers.dgx-x100.gpu");
  CHECK(gpu.where.line == 11);
  CHECK_THAT(gpu.message, Contains("unknown GPU 'h100-sx'") && Contains("did you mean 'h100-sxm'?"));
  const Issue kind = find_issue(issues, "models.big.kind");
  CHECK(kind.where.line == 18);
  CHECK_THAT(kind.message, Contains("did you mean 'llm'?"));
  CHECK_THROWS_AS(cat.gpu("x100"), InputError);  // nothing of the failed file was kept
}

TEST_CASE("catalog: YAML syntax error and missing file are reported") {
  Catalog cat = builtin();
  const auto syntax = issues_of([&] { cat.merge_file(kData + "syntax_error.yaml"); });
  REQUIRE(syntax.size() == 1);
  CHECK(syntax[0].where.line > 0);
  CHECK_THAT(syntax[0].message, Contains("YAML syntax error"));
  CHECK_THROWS_WITH(Catalog::load_builtin(kData + "no-such-dir"), Contains("cannot read the catalog file"));
}

TEST_CASE("catalog: unknown section and non-mapping entries are rejected") {
  Catalog cat = builtin();
  const auto issues = issues_of([&] {
    cat.merge(YAML::Load("gpu:\n  h100-sxm: {tdp: 600 W}\nmodels:\n  sdxl: 3\n"), "scenario.yaml");
  });
  CHECK_THAT(find_issue(issues, "gpu").message, Contains("did you mean 'gpus'?"));
  CHECK_THAT(find_issue(issues, "models.sdxl").message, Contains("got '3', expected a mapping of fields"));
}

// An override from the command line (--set catalog.gpus.h100-sxm.tdp=[1, 2]) makes nodes without a
// source mark: they are located at "--set" (was: the scenario file with no line). (A scenario's
// block gets "catalog." before its key paths in sim/world/world.cpp: tests/python/test_reliability.py.)
TEST_CASE("catalog: a --set override with a list value is located at --set") {
  YAML::Node root = YAML::Load("catalog:\n  gpus:\n    h100-sxm: {tdp: 600 W}\n");
  dcsim::scenario::Diagnostics diags;
  dcsim::scenario::apply_override(root, "catalog.gpus.h100-sxm.tdp=[1, 2]", diags);
  dcsim::scenario::apply_override(root, "catalog.models.sdxl=[3]", diags);
  REQUIRE(diags.count() == 0);
  Catalog cat = builtin();
  const auto issues = issues_of([&] { cat.merge(root["catalog"], "scenario.yaml"); });
  REQUIRE(issues.size() == 2);
  const Issue tdp = find_issue(issues, "gpus.h100-sxm.tdp");
  CHECK(tdp.where.file == "--set");
  CHECK_THAT(tdp.str(), Contains("--set: gpus.h100-sxm.tdp: got a list, expected a positive power"));
  const Issue sdxl = find_issue(issues, "models.sdxl");
  CHECK(sdxl.where.file == "--set");
  CHECK_THAT(sdxl.message, Contains("got a list, expected a mapping of fields"));
  // The same list written in the file keeps its line and column.
  const auto in_file = issues_of([&] {
    cat.merge(YAML::Load("gpus:\n  h100-sxm:\n    tdp: [1, 2]\n"), "scenario.yaml");
  });
  REQUIRE(in_file.size() == 1);
  CHECK(in_file[0].str() == "scenario.yaml:3:10: gpus.h100-sxm.tdp: got a list, expected a positive power such as '700 W'");
}
