using System.Globalization;
using Ppl;
using Ppl.Inference.Mcmc;
using Ppl.Plotting;

// This model is scalar: it never loads libtorch. A program with tensor models can call TorchRuntime.EnsureLoaded()
// first, to fail early with a message naming a missing native library and to apply Ppl's libtorch thread default
// (1 thread unless PPL_TORCH_THREADS says otherwise).

// The data: twelve measurements. Replace them with yours.
double[] ys = [2.9, 3.4, 2.1, 3.8, 3.1, 2.6, 3.3, 4.0, 2.7, 3.0, 3.6, 2.5];

// NUTS, 4 chains, on the model's generated differentiable form; the data enter as the model's argument.
var settings = new McmcSettings { Chains = 4, Warmup = 500, Draws = 500 };
var result = McmcSampler.Sample(Models.MeanAndScaleModel, ys, ChoiceMap.Empty, new NutsKernel(), settings, new Rng(1));

var summary = result.Summarize();
Console.WriteLine(summary);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"mu: posterior mean {summary["mu"].Mean:F2}, the data's mean {ys.Average():F2}; divergences {result.Divergences}"));

// One histogram per quantity, side by side (a .svg path writes SVG).
var png = result.PlotPosterior("posterior.png");
Console.WriteLine($"posterior histograms written to {png}");
