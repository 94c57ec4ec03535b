using System.Diagnostics;
using Ppl;
using TorchSharp;
using static TorchSharp.torch;
using TNormal = Ppl.Distributions.Tensors.Normal;
internal static class BatchedProfileTmp
{
    public static Dictionary<string, object> Run()
    {
        torch.set_num_threads(1);
        foreach (var n in new[] { 100, 1000, 10000, 100000 })
        {
            var g = new Rng(1).TorchGenerator();
            var mu = randn(n, ScalarType.Float64);
            var sd = tensor(0.5, ScalarType.Float64);
            var y = tensor(0.3, ScalarType.Float64);
            void T(string name, Action a)
            {
                for (var i = 0; i < 3; i++) a();
                var sw = Stopwatch.StartNew();
                for (var i = 0; i < 20; i++) { using var s = NewDisposeScope(); a(); }
                Console.WriteLine($"N={n} {name}: {sw.Elapsed.TotalMilliseconds / 20 * 1000:F1} us");
            }
            T("randn", () => randn(new long[] { n }, ScalarType.Float64, generator: g));
            T("randn-nogen", () => randn(new long[] { n }, ScalarType.Float64));
            T("mul-add", () => { var z = mu * 0.3 + mu; });
            T("normal-ctor", () => new TNormal(mu, sd));
            T("normal-logprob", () => new TNormal(mu, sd).LogProb(y));
            T("normal-sample", () => new TNormal(tensor(0.0, ScalarType.Float64), tensor(1.0, ScalarType.Float64)).Sample(new Rng(1), new long[] { n }));
            T("isfinite-all", () => { var b = mu.isfinite().all().item<bool>(); });
        }
        return new();
    }
}
