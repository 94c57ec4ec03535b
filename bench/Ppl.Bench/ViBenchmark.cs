using System.Diagnostics;
using Ppl;
using Ppl.Inference.Variational;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using T = Ppl.Distributions.Tensors;

/// <summary>
/// papers.md §2.5 Table 1: the time of one batched ELBO gradient estimate (forward and backward, no
/// optimiser step) of the MNIST-shaped VAE — encoder 784→200→20 (leaky ReLU; 10 means and 10 softplus
/// scales), decoder 10→200→784 (leaky ReLU, Bernoulli logits), 10-d standard normal prior — written with
/// Ppl (a generative model and an amortised guide as dynamic models, through <see cref="Objectives.Elbo"/>
/// with the reparameterised latent site) against the same network and loss hand-written in TorchSharp.
/// Both share the same modules and the same data and run in this process on one thread, steps alternating
/// between the two; each figure is the median time of a step. Pass --batches (comma list) and --rounds
/// (steps per batch size = rounds × max(2, 2048 / batch)).
/// </summary>
internal static class ViBenchmark
{
    private const int Pixels = 784;
    private const int Hidden = 200;
    private const int Latent = 10;
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>The networks both paths share.</summary>
    private sealed class Networks
    {
        public readonly Linear Enc1 = nn.Linear(Pixels, Hidden);
        public readonly Linear Enc2 = nn.Linear(Hidden, 2 * Latent);
        public readonly Linear Dec1 = nn.Linear(Latent, Hidden);
        public readonly Linear Dec2 = nn.Linear(Hidden, Pixels);

        public (Tensor Mu, Tensor Sigma) Encode(Tensor x)
        {
            var h = Enc2.forward(Enc1.forward(x).LeakyRelu());
            return (h[.., ..Latent], h[.., Latent..].Softplus());
        }

        public Tensor Decode(Tensor z) => Dec2.forward(Dec1.forward(z).LeakyRelu());

        public IEnumerable<Tensor> Parameters() =>
            new[] { Enc1, Enc2, Dec1, Dec2 }.SelectMany(m => m.parameters());
    }

    public static Dictionary<string, object> Run(string[] args)
    {
        set_num_threads(1);
        var batches = Option(args, "batches", "64,256,1024").Select(int.Parse).ToArray();
        var rounds = int.Parse(Option(args, "rounds", "21").Single());
        manual_seed(1);
        var net = new Networks();
        var parameters = net.Parameters().ToList();

        // The model: z ~ N(0, I) as one [B, 10] site, x ~ Bernoulli(logits = decoder(z)) as one [B, 784] observation.
        var model = DynamicModel.Create<Tensor, Unit>("vae", (t, x) =>
        {
            var b = x.shape[0];
            var z = t.Sample("z", new T.Normal(zeros(b, Latent), ones(b, Latent)));
            t.Observe("x", new T.Bernoulli(logits: net.Decode(z)), x);
            return Unit.Value;
        });
        // The amortised guide: z ~ N(μ(x), σ(x)) from the encoder, reparameterised.
        var guide = DynamicModel.Create<Tensor, Unit>("encoder", (t, x) =>
        {
            var (mu, sigma) = net.Encode(x);
            t.Sample("z", new T.Normal(mu, sigma));
            return Unit.Value;
        });
        var rng = new Rng(7);
        var generator = new Generator(7);

        double PplStep(Tensor x)
        {
            using var scope = NewDisposeScope();
            foreach (var p in parameters) p.grad?.zero_();
            var estimate = Objectives.Elbo(model, x, Vi.Guide(guide, x)).Estimate(rng);
            (-estimate.Surrogate).backward();
            return estimate.Value;
        }

        double HandStep(Tensor x)
        {
            using var scope = NewDisposeScope();
            foreach (var p in parameters) p.grad?.zero_();
            var (mu, sigma) = net.Encode(x);
            var eps = randn(mu.shape, generator: generator);
            var z = mu.Plus(sigma * eps);
            var logQ = (eps.Squared().Times(-0.5) - sigma.log()).Minus(HalfLog2Pi).sum();
            var logPrior = z.Squared().Times(-0.5).Minus(HalfLog2Pi).sum();
            var logLik = -nn.functional.binary_cross_entropy_with_logits(net.Decode(z), x, reduction: nn.Reduction.Sum);
            var elbo = logLik.Plus(logPrior) - logQ;
            (-elbo).backward();
            return elbo.item<float>();
        }

        var figures = new Dictionary<string, object> { ["benchmark"] = "vi", ["threads"] = 1 };
        var ratios = new Dictionary<string, double>();
        var cpuRatios = new Dictionary<string, double>();
        foreach (var b in batches)
        {
            // A fixed binarised batch (pixels on with probability 0.2, like MNIST's ink fraction).
            var x = rand(new long[] { b, Pixels }, generator: new Generator(11)).Lt(0.2).to_type(ScalarType.Float32);
            // Warm-up, and a check that both compute the same objective's scale.
            double pv = 0, hv = 0;
            for (var i = 0; i < 5; i++)
            {
                pv = PplStep(x);
                hv = HandStep(x);
            }
            // Steps timed one by one, alternating Ppl and hand-written (which one goes first alternates too),
            // so that drift and preemption by other processes hit both alike; medians drop the preempted steps.
            var ppl = new List<double>();
            var hand = new List<double>();
            var pplCpu = new List<double>();
            var handCpu = new List<double>();
            var steps = rounds * Math.Max(2, 2048 / b);
            for (var r = 0; r < steps; r++)
            {
                if (r % 2 == 0)
                {
                    Time(() => PplStep(x), ppl, pplCpu);
                    Time(() => HandStep(x), hand, handCpu);
                }
                else
                {
                    Time(() => HandStep(x), hand, handCpu);
                    Time(() => PplStep(x), ppl, pplCpu);
                }
            }
            var pm = Median(ppl);
            var hm = Median(hand);
            var ratio = pm / hm;
            ratios[b.ToString()] = Math.Round(ratio, 3);
            figures[$"ppl_ms_b{b}"] = Math.Round(pm, 3);
            figures[$"handwritten_ms_b{b}"] = Math.Round(hm, 3);
            var cpuRatio = pplCpu.Count > 0 ? Median(pplCpu) / Median(handCpu) : double.NaN;
            if (pplCpu.Count > 0) cpuRatios[b.ToString()] = Math.Round(cpuRatio, 3);
            Console.WriteLine($"batch {b,5}: Ppl {pm,8:F3} ms/step, hand-written TorchSharp {hm,8:F3} ms/step, ratio {ratio:F3} " +
                $"(thread CPU time ratio {cpuRatio:F3}; ELBO per datum: Ppl {pv / b:F1}, hand-written {hv / b:F1})");
            x.Dispose();
        }
        if (cpuRatios.Count > 0) figures["cpu_overhead_ratio"] = cpuRatios;
        figures["overhead_ratio"] = ratios;
        return figures;
    }

    /// <summary>
    /// Times one call: wall-clock milliseconds into <paramref name="wall"/> and, on Linux, the calling thread's
    /// CPU milliseconds into <paramref name="cpu"/>. With one torch thread every operation and the backward pass
    /// run on this thread, so CPU time is the step's work without the time other processes take the core away:
    /// on a loaded machine its ratio is the steadier figure (the reported overhead_ratio stays wall-clock).
    /// </summary>
    private static void Time(Func<double> step, List<double> wall, List<double> cpu)
    {
        var c0 = ThreadCpuMs();
        var sw = Stopwatch.StartNew();
        var v = step();
        wall.Add(sw.Elapsed.TotalMilliseconds);
        if (c0 is { } start && ThreadCpuMs() is { } end) cpu.Add(end - start);
        if (double.IsNaN(v)) Console.WriteLine("(NaN)");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>CLOCK_THREAD_CPUTIME_ID (3 on Linux) in milliseconds, or null elsewhere.</summary>
    private static double? ThreadCpuMs()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(3, out var t) != 0) return null;
        return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.OrderBy(v => v).ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : 0.5 * (s[s.Count / 2 - 1] + s[s.Count / 2]);
    }

    private static string[] Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return (i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback).Split(',');
    }
}
