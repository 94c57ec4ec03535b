using System.Diagnostics;
using Ppl;
using Ppl.Inference;
using Ppl.Inference.Smc;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

/// <summary>
/// Bootstrap SMC on a generated [Model] (the LGSSM of smc-lgssm) through its resumable state machine
/// (O(T) body work) against the replay of the same model from a recorded prefix (O(T²)), at T = 50 and
/// 200 (--t, comma list) with N particles (--particles, default 200), one thread, same process. Times are
/// medians over interleaved rounds (--rounds, default 5; --replay-rounds, at most that, for replay). Both runs give the same log evidence (same seed).
/// The same pair for the LGSSM written with its data as Sample sites and observed by values given as a choice map
/// (<see cref="LgssmSampled"/>): the state machine pauses after each observed Sample, so it too is O(T).
/// </summary>
internal static partial class ResumableBenchmark
{
    [Model]
    public static double Lgssm(double[] ys)
    {
        var x = Sample(Normal(0, 1), "x", 0);
        for (var i = 0; i < ys.Length; i++)
        {
            x = Sample(Normal(0.9 * x, 1), "x", i + 1);
            Observe(Normal(x, 0.5), ys[i], "y", i + 1);
        }
        return x;
    }

    /// <summary>The same LGSSM with yₜ a Sample site ("y", t), observed by values given from outside.</summary>
    [Model]
    public static double LgssmSampled(int steps)
    {
        var x = Sample(Normal(0, 1), "x", 0);
        for (var i = 0; i < steps; i++)
        {
            x = Sample(Normal(0.9 * x, 1), "x", i + 1);
            _ = Sample(Normal(x, 0.5), "y", i + 1);
        }
        return x;
    }

    public static Dictionary<string, object> Run(string[] args)
    {
        var steps = Option(args, "t", "50,200").Select(int.Parse).ToArray();
        var particles = Option(args, "particles", "200").Select(int.Parse).Single();
        var rounds = Option(args, "rounds", "5").Select(int.Parse).Single();
        // Replay is slow at large T: its rounds may be fewer (--replay-rounds), the state machine's medians then steadier.
        var replayRounds = Math.Min(rounds, Option(args, "replay-rounds", rounds.ToString()).Select(int.Parse).Single());
        var one = new RunOptions { MaxDegreeOfParallelism = 1 };
        var figures = new Dictionary<string, object> { ["particles"] = particles };
        foreach (var t in steps)
        {
            var rng = new Rng(1);
            var ys = new double[t];
            var x = rng.NextGaussian();
            for (var i = 0; i < t; i++)
            {
                x = 0.9 * x + rng.NextGaussian();
                ys[i] = x + 0.5 * rng.NextGaussian();
            }
            double Time(bool replay, out double logZ)
            {
                var sw = Stopwatch.StartNew();
                logZ = ResumableSmc.Run(LgssmResumable, ys, particles, new Rng(7), options: one, replay: replay).LogEvidence;
                return sw.Elapsed.TotalMilliseconds;
            }
            for (var w = 0; w < 3; w++) Time(false, out _); // JIT (tiered compilation settles after a few runs)
            var fast = new List<double>();
            var slow = new List<double>();
            double a = 0, b = 0;
            for (var r = 0; r < rounds; r++)
            {
                fast.Add(Time(false, out a));
                if (r < replayRounds) slow.Add(Time(true, out b));
            }
            var f = Median(fast);
            var s = Median(slow);
            Console.WriteLine($"T = {t,4}, N = {particles}: resumable {f,9:F1} ms, replay {s,9:F1} ms, speedup {s / f,6:F1}x (log Z {a:F6} vs {b:F6})");
            figures[$"t{t}_resumable_ms"] = Math.Round(f, 2);
            figures[$"t{t}_replay_ms"] = Math.Round(s, 2);
            figures[$"t{t}_speedup"] = Math.Round(s / f, 2);
            figures[$"t{t}_same_log_evidence"] = Math.Abs(a - b) <= 1e-9 * Math.Abs(b);

            // Observed through constrained Sample sites: the state machine given the observations against replay.
            var observations = ChoiceMap.Empty;
            for (var i = 0; i < t; i++) observations = observations.Set(new Address("y", i + 1), ys[i]);
            double TimeSampled(bool replay, out double logZ)
            {
                var sw = Stopwatch.StartNew();
                logZ = ResumableSmc.Run(LgssmSampledResumable, t, observations, particles, new Rng(7), options: one, replay: replay).LogEvidence;
                return sw.Elapsed.TotalMilliseconds;
            }
            for (var w = 0; w < 3; w++) TimeSampled(false, out _);
            var sampledFast = new List<double>();
            var sampledSlow = new List<double>();
            double c = 0, d = 0;
            for (var r = 0; r < rounds; r++)
            {
                sampledFast.Add(TimeSampled(false, out c));
                if (r < replayRounds) sampledSlow.Add(TimeSampled(true, out d));
            }
            var sf = Median(sampledFast);
            var ss = Median(sampledSlow);
            Console.WriteLine($"T = {t,4}, N = {particles}, observed Sample sites: state machine {sf,9:F1} ms, replay {ss,9:F1} ms, speedup {ss / sf,6:F1}x; " +
                              $"against Observe on the state machine {sf / f:F2}x (log Z {c:F6} vs {d:F6})");
            figures[$"t{t}_sampled_resumable_ms"] = Math.Round(sf, 2);
            figures[$"t{t}_sampled_replay_ms"] = Math.Round(ss, 2);
            figures[$"t{t}_sampled_speedup"] = Math.Round(ss / sf, 2);
            figures[$"t{t}_sampled_vs_observe"] = Math.Round(sf / f, 2);
            figures[$"t{t}_sampled_same_log_evidence"] = Math.Abs(c - d) <= 1e-9 * Math.Abs(d);
        }
        return figures;
    }

    private static double Median(List<double> xs)
    {
        var s = xs.OrderBy(v => v).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }

    private static string[] Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return (i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback).Split(',');
    }
}
