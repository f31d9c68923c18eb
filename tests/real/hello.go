// hello.go: a real-programs fixture for uexec.
//
// The Go runtime starts several OS threads (clone), installs signal handlers
// and reads its auxv (AT_RANDOM, AT_PAGESZ, the vDSO) before main runs, so a
// loader that gets any of those wrong shows up here.  The goroutines and the
// channel make sure the scheduler really runs work on other threads.
// Everything printed is deterministic given argv and the environment.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
)

// collatzSteps counts the steps of the Collatz sequence from n down to 1:
// cheap, deterministic work that is easy to check by hand.
func collatzSteps(n uint64) int {
	steps := 0
	for n != 1 {
		if n%2 == 0 {
			n /= 2
		} else {
			n = 3*n + 1
		}
		steps++
	}
	return steps
}

type result struct {
	worker int
	best   uint64
	steps  int
}

// longestCollatz finds, in [lo, hi), the start with the longest sequence.
func longestCollatz(worker int, lo, hi uint64, out chan<- result) {
	r := result{worker: worker}
	for n := lo; n < hi; n++ {
		if s := collatzSteps(n); s > r.steps {
			r.best, r.steps = n, s
		}
	}
	out <- r
}

func main() {
	fmt.Printf("argc=%d\n", len(os.Args))
	for i, a := range os.Args {
		fmt.Printf("arg[%d]=%q\n", i, a)
	}
	fmt.Printf("HOME set=%v\n", os.Getenv("HOME") != "")
	fmt.Printf("UEXEC_REAL=%q\n", os.Getenv("UEXEC_REAL"))

	const workers = 8
	const span = 25000
	out := make(chan result)
	for w := 0; w < workers; w++ {
		go longestCollatz(w, uint64(w*span+1), uint64((w+1)*span+1), out)
	}
	results := make([]result, 0, workers)
	for w := 0; w < workers; w++ {
		results = append(results, <-out)
	}
	// Goroutines finish in any order; sort so the output does not depend on it.
	sort.Slice(results, func(i, j int) bool { return results[i].worker < results[j].worker })
	for _, r := range results {
		fmt.Printf("worker %d: %d takes %d steps\n", r.worker, r.best, r.steps)
	}
	fmt.Println(strings.Repeat("=", 20))
	if len(os.Args) > 1 && os.Args[1] == "fail" {
		os.Exit(3)
	}
}
