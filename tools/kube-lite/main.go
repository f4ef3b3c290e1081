// Command kube-lite is one static multi-call binary holding the pieces of a Kubernetes
// control plane that flyte-mc needs to run real API servers on 127.0.0.1 without containers:
//
//	kube-lite etcd [flags]                     embedded etcd server (single member)
//	kube-lite kube-apiserver [flags]           upstream kube-apiserver command
//	kube-lite kube-controller-manager [flags]  upstream kube-controller-manager command
//	kube-lite version                          prints the stamped versions
//
// The apiserver and controller-manager are the upstream cobra commands, so they take the
// upstream flags unchanged. Version strings are stamped at link time (see
// scripts/setup.d/40-kube-lite.sh) so that /version reports the real release.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	_ "time/tzdata"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/component-base/version"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	kcm "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

// Set with -ldflags -X by the build script.
var (
	etcdVersion = "unknown"
	sourceHash  = "unknown"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	sub, rest := os.Args[1], os.Args[2:]
	exitWithParent()
	switch sub {
	case "kube-apiserver":
		cmd := apiserver.NewAPIServerCommand()
		cmd.SetArgs(rest)
		os.Exit(cli.Run(cmd))
	case "kube-controller-manager":
		cmd := kcm.NewControllerManagerCommand()
		cmd.SetArgs(rest)
		os.Exit(cli.Run(cmd))
	case "etcd":
		os.Exit(runEtcd(rest))
	case "version", "--version":
		fmt.Printf("kubernetes %s\netcd %s\nkube-lite %s\n", version.Get().GitVersion, etcdVersion, sourceHash)
	default:
		usage()
		os.Exit(2)
	}
}

// exitWithParent: when KUBE_LITE_PARENT_PID names our parent, a watchdog sends us SIGTERM (the components'
// graceful path) once that parent is gone, i.e. we were re-parented, and exits hard if shutdown hangs. It covers
// the one case the harness cannot clean up itself: its own process being SIGKILLed.
func exitWithParent() {
	want, err := strconv.Atoi(os.Getenv("KUBE_LITE_PARENT_PID"))
	if err != nil || want <= 1 || os.Getppid() != want {
		return
	}
	go func() {
		for range time.Tick(time.Second) {
			if os.Getppid() != want {
				fmt.Fprintln(os.Stderr, "kube-lite: parent process is gone; shutting down")
				_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
				time.Sleep(20 * time.Second)
				os.Exit(1)
			}
		}
	}()
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: kube-lite etcd|kube-apiserver|kube-controller-manager|version [flags]")
}

// runEtcd starts a single-member etcd through the embed package and blocks until SIGTERM or
// SIGINT. With -cert-file/-key-file/-trusted-ca-file both the client and the peer listener
// use TLS and require a client certificate signed by that CA.
func runEtcd(args []string) int {
	fs := flag.NewFlagSet("etcd", flag.ContinueOnError)
	name := fs.String("name", "kube-lite", "member name")
	dataDir := fs.String("data-dir", "", "data directory (required)")
	clientURL := fs.String("listen-client-url", "http://127.0.0.1:2379", "client URL (also advertised)")
	peerURL := fs.String("listen-peer-url", "http://127.0.0.1:2380", "peer URL (also advertised)")
	certFile := fs.String("cert-file", "", "TLS certificate for the client and peer listeners")
	keyFile := fs.String("key-file", "", "TLS key for the client and peer listeners")
	caFile := fs.String("trusted-ca-file", "", "CA that client certificates must chain to")
	fsync := fs.Bool("fsync", false, "fsync writes (off: test speed, data is disposable)")
	logLevel := fs.String("log-level", "error", "etcd log level")
	readyTimeout := fs.Duration("ready-timeout", 60*time.Second, "give up if not ready by then")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "etcd: -data-dir is required")
		return 2
	}
	cu, err := url.Parse(*clientURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd: bad -listen-client-url:", err)
		return 2
	}
	pu, err := url.Parse(*peerURL)
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd: bad -listen-peer-url:", err)
		return 2
	}

	cfg := embed.NewConfig()
	cfg.Name = *name
	cfg.Dir = *dataDir
	cfg.ListenClientUrls = []url.URL{*cu}
	cfg.AdvertiseClientUrls = []url.URL{*cu}
	cfg.ListenPeerUrls = []url.URL{*pu}
	cfg.AdvertisePeerUrls = []url.URL{*pu}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.UnsafeNoFsync = !*fsync
	cfg.LogLevel = *logLevel
	if *certFile != "" {
		cfg.ClientTLSInfo.CertFile = *certFile
		cfg.ClientTLSInfo.KeyFile = *keyFile
		cfg.ClientTLSInfo.TrustedCAFile = *caFile
		cfg.ClientTLSInfo.ClientCertAuth = *caFile != ""
		cfg.PeerTLSInfo = cfg.ClientTLSInfo
	}

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd: start:", err)
		return 1
	}
	defer e.Close()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	select {
	case <-e.Server.ReadyNotify():
		fmt.Fprintf(os.Stderr, "etcd: ready on %s\n", cu.String())
	case <-time.After(*readyTimeout):
		fmt.Fprintln(os.Stderr, "etcd: not ready in time")
		return 1
	case <-ctx.Done():
		return 0
	}

	select {
	case <-ctx.Done():
		return 0
	case err := <-e.Err():
		if err != nil && !errors.Is(err, context.Canceled) {
			fmt.Fprintln(os.Stderr, "etcd: serve:", err)
			return 1
		}
		return 0
	case <-e.Server.StopNotify():
		fmt.Fprintln(os.Stderr, "etcd: server stopped")
		return 1
	}
}
