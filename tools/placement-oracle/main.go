// placement-oracle answers placement questions with Flyte's own code: flytestdlib's random.NewWeightedRandom and
// GetWithSeed, seeded the way FlyteAdmin's RandomClusterSelector does (FNV-1a 64 of the execution name → int64 →
// math/rand.NewSource). Nothing from Flyte is copied here; it is a module dependency.
//
//	placement-oracle [batch]   reads [{"name": "...", "entries": [{"id": "...", "weight": 0.5}]}] on stdin and
//	                           prints a JSON array of the picked ids, same order ({"error": "..."} where
//	                           NewWeightedRandom refuses the entries)
//	placement-oracle bench [N] N placements over 3 weighted clusters, FlyteAdmin's way; prints placements/second
//	placement-oracle rand-vectors | placement-vectors
//	                           read test/fixtures/placement/vector-inputs.json on stdin and print the committed
//	                           vector file with every expected value computed here (vectors.go)
//	placement-oracle names ID=WEIGHT...
//	                           one NewWeightedRandom over the entries, then one execution name per stdin line:
//	                           prints NAME<TAB>ID per line (what `flyte-mc place --names` is compared with)
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/flyteorg/flyte/flytestdlib/random"
)

// clusterID stands in for FlyteAdmin's ExecutionTarget: Compare orders by ID with Go's string <.
type clusterID string

func (c clusterID) Compare(to random.Comparable) bool { return c < to.(clusterID) }

// randSource is FlyteAdmin's getRandSource.
func randSource(name string) rand.Source {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return rand.NewSource(int64(h.Sum64()))
}

type entry struct {
	ID     string  `json:"id"`
	Weight float64 `json:"weight"`
}

type request struct {
	Name    string  `json:"name"`
	Entries []entry `json:"entries"`
}

func pick(ctx context.Context, r request) (any, error) {
	entries := make([]random.Entry, len(r.Entries))
	for i, e := range r.Entries {
		entries[i] = random.Entry{Item: clusterID(e.ID), Weight: float32(e.Weight)}
	}
	list, err := random.NewWeightedRandom(ctx, entries)
	if err != nil {
		return map[string]string{"error": err.Error()}, nil
	}
	item, err := list.GetWithSeed(randSource(r.Name))
	if err != nil {
		return nil, err
	}
	return string(item.(clusterID)), nil
}

func batch() error {
	var reqs []request
	dec := json.NewDecoder(bufio.NewReaderSize(os.Stdin, 1<<20))
	if err := dec.Decode(&reqs); err != nil {
		return fmt.Errorf("read batch: %w", err)
	}
	ctx := context.Background()
	out := make([]any, len(reqs))
	for i, r := range reqs {
		v, err := pick(ctx, r)
		if err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
		out[i] = v
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	if err := json.NewEncoder(w).Encode(out); err != nil {
		return err
	}
	return w.Flush()
}

func names(args []string) error {
	entries := make([]random.Entry, len(args))
	for i, a := range args {
		at := strings.LastIndexByte(a, '=')
		if at < 0 {
			return fmt.Errorf("names: entry %q is not ID=WEIGHT", a)
		}
		w, err := strconv.ParseFloat(a[at+1:], 32)
		if err != nil {
			return fmt.Errorf("names: entry %q: %w", a, err)
		}
		entries[i] = random.Entry{Item: clusterID(a[:at]), Weight: float32(w)}
	}
	list, err := random.NewWeightedRandom(context.Background(), entries)
	if err != nil {
		return err
	}
	in := bufio.NewScanner(bufio.NewReaderSize(os.Stdin, 1<<20))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	for in.Scan() {
		name := in.Text()
		item, err := list.GetWithSeed(randSource(name))
		if err != nil {
			return err
		}
		_, _ = w.WriteString(name)
		_ = w.WriteByte('\t')
		_, _ = w.WriteString(string(item.(clusterID)))
		_ = w.WriteByte('\n')
	}
	if err := in.Err(); err != nil {
		return err
	}
	return w.Flush()
}

func bench(n int) error {
	ctx := context.Background()
	list, err := random.NewWeightedRandom(ctx, []random.Entry{
		{Item: clusterID("a"), Weight: 0.2},
		{Item: clusterID("b"), Weight: 0.3},
		{Item: clusterID("c"), Weight: 0.5},
	})
	if err != nil {
		return err
	}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("a%019d", i)
	}
	counts := map[clusterID]int{}
	start := time.Now()
	for _, name := range names {
		item, err := list.GetWithSeed(randSource(name))
		if err != nil {
			return err
		}
		counts[item.(clusterID)]++
	}
	secs := time.Since(start).Seconds()
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"placements":    n,
		"seconds":       secs,
		"perSecond":     float64(n) / secs,
		"microsPerCall": secs * 1e6 / float64(n),
		"counts":        counts,
	})
}

func main() {
	mode := "batch"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	var err error
	switch mode {
	case "batch":
		err = batch()
	case "bench":
		n := 1_000_000
		if len(os.Args) > 2 {
			if n, err = strconv.Atoi(os.Args[2]); err != nil || n <= 0 {
				err = fmt.Errorf("bench: N must be a positive whole number, got %q", os.Args[2])
			}
		}
		if err == nil {
			err = bench(n)
		}
	case "rand-vectors":
		err = randVectors()
	case "placement-vectors":
		err = placementVectors()
	case "names":
		err = names(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q (batch | bench [N] | names ID=WEIGHT... | rand-vectors | placement-vectors)", mode)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "placement-oracle: %v\n", err)
		os.Exit(1)
	}
}
