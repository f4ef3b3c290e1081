// Vector modes: every expected value in test/fixtures/placement/*-vectors.json comes from here, computed by Go's own
// hash/fnv and math/rand and by flytestdlib's weighted list (read through reflection where it keeps the value
// unexported: the cumulative totals and the source's state vector). The inputs (names, entries, seeds, tags) are
// test/fixtures/placement/vector-inputs.json.
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"unicode/utf8"

	"github.com/flyteorg/flyte/flytestdlib/random"
)

const lcgModulus = (1 << 31) - 1

type vectorInputs struct {
	Tags map[string]string `json:"tags"`
	Rand []struct {
		Group string  `json:"group"`
		Label string  `json:"label"`
		Name  *string `json:"name"`
		Seed  *string `json:"seed"`
		Note  string  `json:"note"`
	} `json:"rand"`
	Checksum struct {
		Pattern string  `json:"pattern"`
		Count   int     `json:"count"`
		Entries []entry `json:"entries"`
	} `json:"checksum"`
	Placement []struct {
		Name    string   `json:"name"`
		Entries []entry  `json:"entries"`
		Tags    []string `json:"tags"`
		Note    string   `json:"note,omitempty"`
	} `json:"placement"`
}

func readInputs() (vectorInputs, error) {
	var in vectorInputs
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		return in, fmt.Errorf("read vector inputs: %w", err)
	}
	return in, nil
}

func generatedBy(mode, out string) string {
	flytestdlib := "flytestdlib (version unknown)"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == "github.com/flyteorg/flyte/flytestdlib" {
				flytestdlib = "flytestdlib " + m.Version
			}
		}
	}
	return fmt.Sprintf("placement-oracle %s < test/fixtures/placement/vector-inputs.json > test/fixtures/placement/%s (tools/placement-oracle on %s, %s)",
		mode, out, flytestdlib, runtime.Version())
}

func fnv64a(name string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return h.Sum64()
}

// lcgState0 is the first Lehmer state rngSource.Seed derives from a seed (math/rand/rng.go).
func lcgState0(seed int64) int64 {
	x := seed % lcgModulus
	if x < 0 {
		x += lcgModulus
	}
	if x == 0 {
		x = 89482311
	}
	return x
}

// stateWord reads rngSource.vec[i] right after seeding; math/rand keeps it unexported.
func stateWord(src rand.Source, i int) (int64, error) {
	v := reflect.ValueOf(src).Elem().FieldByName("vec")
	if !v.IsValid() || v.Len() <= i {
		return 0, fmt.Errorf("math/rand's source has no vec[%d]", i)
	}
	return v.Index(i).Int(), nil
}

func f32bits(f float32) string { return fmt.Sprintf("0x%08x", math.Float32bits(f)) }

func randVector(label string, name *string, seed int64) (map[string]any, error) {
	v := map[string]any{"label": label}
	if name != nil {
		h := fnv64a(*name)
		v["name"] = *name
		v["utf8_hex"] = hex.EncodeToString([]byte(*name))
		v["fnv64a_hex"] = fmt.Sprintf("%016x", h)
		v["fnv64a_uint64"] = strconv.FormatUint(h, 10)
	}
	v["seed"] = strconv.FormatInt(seed, 10)
	x := lcgState0(seed)
	v["lcg_state0"] = x
	lcg := make([]int64, 5)
	for i := range lcg {
		x = x * 48271 % lcgModulus
		lcg[i] = x
	}
	v["seedrand_first5"] = lcg
	words := map[string]string{}
	src := rand.NewSource(seed)
	for _, i := range []int{0, 1, 2, 333, 606} {
		w, err := stateWord(src, i)
		if err != nil {
			return nil, err
		}
		words[strconv.Itoa(i)] = strconv.FormatInt(w, 10)
	}
	v["vec_after_seed"] = words
	s64 := rand.NewSource(seed).(rand.Source64)
	r63, r32, r64 := rand.New(rand.NewSource(seed)), rand.New(rand.NewSource(seed)), rand.New(rand.NewSource(seed))
	var u64, i63, f32b []string
	var f32, f64 []float64
	for range 10 {
		u64 = append(u64, strconv.FormatUint(s64.Uint64(), 10))
		i63 = append(i63, strconv.FormatInt(r63.Int63(), 10))
		f := r32.Float32()
		f32 = append(f32, float64(f))
		f32b = append(f32b, f32bits(f))
		f64 = append(f64, r64.Float64())
	}
	v["source_uint64_first10"], v["int63_first10"], v["float32_first10"] = u64, i63, f32
	v["float32_bits_first10"], v["float64_first10"] = f32b, f64
	return v, nil
}

func randVectors() error {
	in, err := readInputs()
	if err != nil {
		return err
	}
	out := map[string]any{
		"_generated_by": generatedBy("rand-vectors", "go-rand-vectors.json"),
		"header": map[string]string{
			"description":     "Raw outputs of Go's math/rand v1 for step-by-step testing of a port. Each sequence starts from a fresh rand.New(rand.NewSource(seed)); source_uint64_first10 is rand.NewSource(seed).(rand.Source64).Uint64().",
			"seed":            "int64 decimal string; for named entries seed = int64(FNV-1a 64 of the UTF-8 bytes of name)",
			"lcg_state0":      "seed % (2^31-1) (Go's truncated remainder), +(2^31-1) if negative, 0 -> 89482311: the first state in rngSource.Seed",
			"seedrand_first5": "the next 5 values of x = 48271*x mod (2^31-1) from lcg_state0",
			"vec_after_seed":  "rngSource.vec[i] right after Seed, read from Go's math/rand through reflection",
			"float32":         "r.Float32(): the exact float32 written as a float64, plus its IEEE-754 bits",
		},
	}
	groups := map[string][]any{}
	for _, r := range in.Rand {
		var seed int64
		switch {
		case r.Name != nil:
			seed = int64(fnv64a(*r.Name))
		case r.Seed != nil:
			if seed, err = strconv.ParseInt(*r.Seed, 10, 64); err != nil {
				return fmt.Errorf("rand %q: seed: %w", r.Label, err)
			}
		default:
			return fmt.Errorf("rand %q: neither name nor seed", r.Label)
		}
		v, err := randVector(r.Label, r.Name, seed)
		if err != nil {
			return err
		}
		if r.Note != "" {
			v["note"] = r.Note
		}
		groups[r.Group] = append(groups[r.Group], v)
	}
	for g, vs := range groups {
		out[g] = vs
	}
	return writeJSON(out)
}

// recordingSource records each Int63 that flytestdlib's list draws through rand.New.
type recordingSource struct {
	rand.Source
	draws []string
}

func (s *recordingSource) Int63() int64 {
	v := s.Source.Int63()
	s.draws = append(s.draws, strconv.FormatInt(v, 10))
	return v
}

// listInternals reads the sorted eligible ids, their cumulative totals and the total from flytestdlib's list.
func listInternals(list random.WeightedRandomList) (ids []string, cumulative []float32, total float32) {
	impl := reflect.ValueOf(list).Elem()
	entries := impl.FieldByName("entries")
	for i := 0; i < entries.Len(); i++ {
		e := entries.Index(i)
		ids = append(ids, e.FieldByName("entry").FieldByName("Item").Elem().String())
		cumulative = append(cumulative, float32(e.FieldByName("currentTotal").Float()))
	}
	return ids, cumulative, float32(impl.FieldByName("totalWeight").Float())
}

func toFloat64s(fs []float32) []float64 {
	out := make([]float64, len(fs))
	for i, f := range fs {
		out[i] = float64(f)
	}
	return out
}

// checkTags refuses a tag the computed values contradict, for the tags that can be decided from them.
func checkTags(name string, entries []entry, tags []string, seed int64, draws int, eligible int) error {
	allZero, someZero := true, false
	for _, e := range entries {
		if float32(e.Weight) != 0 {
			allZero = false
		} else {
			someZero = true
		}
	}
	ascii := true
	for _, r := range name {
		if r >= utf8.RuneSelf {
			ascii = false
		}
	}
	facts := map[string]bool{
		"all-zero":         allZero,
		"zero-weight":      someZero && !allZero,
		"negative-seed":    seed < 0,
		"float32-resample": draws > 1,
		"single":           eligible == 1,
		"unicode-name":     !ascii,
		"seed-zero":        seed%lcgModulus == 0,
	}
	for _, t := range tags {
		if holds, decidable := facts[t]; decidable && !holds {
			return fmt.Errorf("case %q: tag %q does not hold", name, t)
		}
	}
	return nil
}

func placementVector(ctx context.Context, name string, es []entry) (map[string]any, int, error) {
	entries := make([]random.Entry, len(es))
	for i, e := range es {
		entries[i] = random.Entry{Item: clusterID(e.ID), Weight: float32(e.Weight)}
	}
	list, err := random.NewWeightedRandom(ctx, entries)
	if err != nil {
		return nil, 0, fmt.Errorf("case %q: %w", name, err)
	}
	h := fnv64a(name)
	seed := int64(h)
	src := &recordingSource{Source: rand.NewSource(seed)}
	item, err := list.GetWithSeed(src)
	if err != nil {
		return nil, 0, err
	}
	u := rand.New(rand.NewSource(seed)).Float32()
	ids, cumulative, total := listInternals(list)
	randomWeight := u * total
	return map[string]any{
		"fnv64a":             fmt.Sprintf("%016x", h),
		"seed":               strconv.FormatInt(seed, 10),
		"lcg_state0":         lcgState0(seed),
		"int63_draws":        src.draws,
		"u":                  float64(u),
		"u_bits":             f32bits(u),
		"sorted_ids":         ids,
		"cumulative":         toFloat64s(cumulative),
		"total":              float64(total),
		"total_bits":         f32bits(total),
		"random_weight":      float64(randomWeight),
		"random_weight_bits": f32bits(randomWeight),
		"selected":           string(item.(clusterID)),
	}, len(ids), nil
}

func placementVectors() error {
	in, err := readInputs()
	if err != nil {
		return err
	}
	ctx := context.Background()
	cases := make([]any, 0, len(in.Placement))
	tagCounts := map[string]int{}
	for _, c := range in.Placement {
		trace, eligible, err := placementVector(ctx, c.Name, c.Entries)
		if err != nil {
			return err
		}
		if err := checkTags(c.Name, c.Entries, c.Tags, int64(fnv64a(c.Name)), len(trace["int63_draws"].([]string)), eligible); err != nil {
			return err
		}
		for _, t := range c.Tags {
			if _, known := in.Tags[t]; !known {
				return fmt.Errorf("case %q: tag %q is not described in the inputs' tags", c.Name, t)
			}
			tagCounts[t]++
		}
		v := map[string]any{"name": c.Name, "entries": c.Entries, "expected": trace["selected"], "tags": c.Tags, "trace": trace}
		if c.Note != "" {
			v["note"] = c.Note
		}
		cases = append(cases, v)
	}
	checksum, err := checksumCounts(ctx, in.Checksum.Pattern, in.Checksum.Count, in.Checksum.Entries)
	if err != nil {
		return err
	}
	return writeJSON(map[string]any{
		"_generated_by": generatedBy("placement-vectors", "placement-vectors.json"),
		"header": map[string]any{
			"description": "FlyteAdmin's data-plane selection by execution name: flytestdlib's NewWeightedRandom and GetWithSeed, seeded as RandomClusterSelector seeds them (flyteadmin/pkg/executioncluster/impl/random_cluster_selector.go getRandSource at v1.16.8).",
			"trace":       "fnv64a (hex), seed (int64), lcg_state0, int63_draws (what the list drew), u = r.Float32(), sorted_ids and cumulative (the list's eligible entries and their float32 running totals), total, random_weight = u*total (float32); floats are exact float32 values written as float64, plus bits",
			"case_count":  len(cases),
			"tag_counts":  tagCounts,
			"tags":        in.Tags,
		},
		"checksum": map[string]any{
			"pattern": in.Checksum.Pattern,
			"count":   in.Checksum.Count,
			"entries": in.Checksum.Entries,
			"counts":  checksum,
		},
		"cases": cases,
	})
}

// checksumCounts places names fmt.Sprintf(pattern, i) for i < n over one list and counts the picks.
func checksumCounts(ctx context.Context, pattern string, n int, es []entry) (map[string]int, error) {
	entries := make([]random.Entry, len(es))
	for i, e := range es {
		entries[i] = random.Entry{Item: clusterID(e.ID), Weight: float32(e.Weight)}
	}
	list, err := random.NewWeightedRandom(ctx, entries)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for i := range n {
		item, err := list.GetWithSeed(randSource(fmt.Sprintf(pattern, i)))
		if err != nil {
			return nil, err
		}
		counts[string(item.(clusterID))]++
	}
	return counts, nil
}

func writeJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
