using System.Runtime.CompilerServices;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Variational;
using Ppl.Plotting;
using ScottPlot;
using Spectre.Console;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

[assembly: InternalsVisibleTo("Ppl.Inference.Tests")]

namespace Ppl.Examples;

/// <summary>
/// A variational autoencoder written as two Ppl programs — the generative model (z ~ N(0, I) as one
/// [batch, 10] choice, pixels ~ Bernoulli(decoder(z)) as one [batch, 784] observation) and an amortised
/// guide (z ~ N(μ(x), σ(x)) from an encoder module) — trained by maximising <see cref="Objectives.Elbo"/>
/// on procedurally drawn 28×28 shapes (<see cref="VaeShapes"/>) with TorchSharp's Adam. The networks have
/// the shapes of papers.md §2.5 (encoder 784→200→20, decoder 10→200→784, leaky ReLU). Prints the ELBO
/// per epoch (training estimate and held-out value, in nats per image) and writes a PNG with held-out
/// images, their reconstructions and samples from the model.
/// </summary>
internal sealed class VaeExample : IExample
{
    private const int Hidden = 200;
    internal const int Latent = 10;

    public string Name => "vae";

    public string Description => "Variational autoencoder on procedurally drawn 28x28 shapes; ELBO per epoch, PNG of reconstructions and samples";

    /// <summary>The encoder and decoder networks.</summary>
    internal sealed class Networks : nn.Module
    {
        private readonly Linear enc1 = nn.Linear(VaeShapes.Pixels, Hidden);
        private readonly Linear enc2 = nn.Linear(Hidden, 2 * Latent);
        private readonly Linear dec1 = nn.Linear(Latent, Hidden);
        private readonly Linear dec2 = nn.Linear(Hidden, VaeShapes.Pixels);

        public Networks() : base("vae") => RegisterComponents();

        /// <summary>The guide's means and (softplus) standard deviations, each [batch, 10].</summary>
        public (Tensor Mu, Tensor Sigma) Encode(Tensor x)
        {
            var h = enc2.forward(enc1.forward(x).LeakyRelu());
            return (h[.., ..Latent], h[.., Latent..].Softplus());
        }

        /// <summary>Bernoulli logits of the pixels, [..., 784].</summary>
        public Tensor Decode(Tensor z) => dec2.forward(dec1.forward(z).LeakyRelu());
    }

    /// <summary>The settings of a run; Device (the CPU when null) and DType are where the networks, the batches and the objective's tensors live.</summary>
    internal sealed record Settings(int Train = 6000, int Test = 1000, int Epochs = 20, int Batch = 100, double LearningRate = 1e-3, int Seed = 1,
        Device? Device = null, ScalarType DType = ScalarType.Float32);

    /// <summary>What a run produced: ELBO per image per epoch (training estimates and held-out values) and the PNG written.</summary>
    internal sealed record Result(IReadOnlyList<double> TrainElbo, IReadOnlyList<double> TestElbo, double InitialTestElbo, string? ImagePath);

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        var settings = new Settings(
            Train: context.Int("train", 6000), Test: context.Int("test", 1000), Epochs: context.Int("epochs", 20),
            Batch: context.Int("batch", 100), Seed: context.Seed, Device: context.Device(), DType: context.DType(ScalarType.Float32));
        var result = Train(settings, context.PlotPath ?? "vae.png", context.Console);
        return new Dictionary<string, object>
        {
            ["epochs"] = settings.Epochs,
            ["initial_test_elbo"] = Math.Round(result.InitialTestElbo, 2),
            ["final_train_elbo"] = Math.Round(result.TrainElbo[^1], 2),
            ["final_test_elbo"] = Math.Round(result.TestElbo[^1], 2),
            ["image"] = result.ImagePath ?? "",
        };
    }

    /// <summary>Draws the data, trains, reports each epoch on <paramref name="console"/> and writes the PNG to <paramref name="imagePath"/> (none when null).</summary>
    internal static Result Train(Settings s, string? imagePath, IAnsiConsole console, CancellationToken cancellation = default)
    {
        if (s.Train < s.Batch || s.Test < 1 || s.Epochs < 1 || s.Batch < 1)
            throw new ArgumentException($"Need train ≥ batch ≥ 1, test ≥ 1 and epochs ≥ 1; got train {s.Train}, batch {s.Batch}, test {s.Test}, epochs {s.Epochs}.");
        set_num_threads(1);
        manual_seed(s.Seed);
        var rng = new Rng((ulong)s.Seed);
        var device = s.Device ?? CPU;
        var train = tensor(VaeShapes.Draw(s.Train, rng), [s.Train, VaeShapes.Pixels]);
        var test = tensor(VaeShapes.Draw(s.Test, rng), [s.Test, VaeShapes.Pixels]);
        var net = new Networks();
        // Weights are drawn on the CPU (the seed fixes them everywhere), then moved; the data follow. The defaults (CPU, float32) move nothing.
        var onDevice = device.type != DeviceType.CPU || s.DType != ScalarType.Float32;
        if (onDevice) net.to(device).to(s.DType);
        var testHere = onDevice ? test.to(s.DType, device) : test;

        // The model p(z) p(x | z) and the amortised guide q(z | x) are [Model] methods taking the batch and the networks.
        Expectation Elbo(Tensor x) => Objectives.Elbo(VaeModels.GenerativeModel, (x, net), Vi.Guide(VaeModels.EncoderModel, (x, net)));
        double TestElbo() => Elbo(testHere).Value(rng, 1, device, s.DType) / s.Test;

        // TorchSharp's optim.Adam update, with its scalars kept alive during each libtorch call (see TensorArithmetic).
        using var optimizer = new Ppl.Inference.Optimization.AdamWOptimizer(net.parameters(), s.LearningRate);
        var initial = TestElbo();
        console.MarkupLine($"VAE on {s.Train} procedurally drawn 28x28 shapes ({s.Test} held out); ELBO in nats per image (initial held-out {initial:F1})");
        var trainElbo = new List<double>();
        var testElbo = new List<double>();
        var batches = s.Train / s.Batch;
        for (var epoch = 1; epoch <= s.Epochs; epoch++)
        {
            var order = Enumerable.Range(0, s.Train).OrderBy(_ => rng.NextUInt64()).ToArray();
            double sum = 0;
            for (var k = 0; k < batches; k++)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var x = train.index_select(0, tensor(order.AsSpan(k * s.Batch, s.Batch).ToArray().Select(i => (long)i).ToArray()));
                if (onDevice) x = x.to(s.DType, device);
                optimizer.ZeroGradients();
                var estimate = Elbo(x).Estimate(rng, 1, device, s.DType);
                (-estimate.Surrogate).backward();
                optimizer.Step();
                sum += estimate.Value;
            }
            trainElbo.Add(sum / (batches * s.Batch));
            testElbo.Add(TestElbo());
            console.MarkupLine($"epoch {epoch,3}: train ELBO {trainElbo[^1],8:F2}   held-out ELBO {testElbo[^1],8:F2}");
        }

        string? written = null;
        if (imagePath is not null)
        {
            if (onDevice) net.to(CPU).to(ScalarType.Float32); // the image is drawn on the CPU
            written = WriteImage(net, test, imagePath);
            console.MarkupLine($"held-out images, reconstructions and model samples written to [bold]{Markup.Escape(written)}[/]");
        }
        return new(trainElbo, testElbo, initial, written);
    }

    /// <summary>
    /// One grayscale image: a row of held-out images, a row of their reconstructions (pixel probabilities
    /// at the guide's mean), and two rows of samples from the model (pixel probabilities at z ~ N(0, I)).
    /// </summary>
    private static string WriteImage(Networks net, Tensor test, string path)
    {
        const int columns = 10;
        const int gap = 2;
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        var shown = test[..columns];
        var recon = net.Decode(net.Encode(shown).Mu).sigmoid();
        var samples = net.Decode(randn(2 * columns, Latent, generator: new Generator(17))).sigmoid();
        var rows = new[] { shown, recon, samples[..columns], samples[columns..] };
        var cell = VaeShapes.Side + gap;
        var grid = new double[rows.Length * cell + gap, columns * cell + gap];
        for (var i = 0; i < grid.GetLength(0); i++)
            for (var j = 0; j < grid.GetLength(1); j++) grid[i, j] = 0.35; // grey separators
        for (var r = 0; r < rows.Length; r++)
        {
            var pixels = rows[r].to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
            for (var c = 0; c < columns; c++)
                for (var y = 0; y < VaeShapes.Side; y++)
                    for (var x = 0; x < VaeShapes.Side; x++)
                        grid[gap + r * cell + y, gap + c * cell + x] = pixels[c * VaeShapes.Pixels + y * VaeShapes.Side + x];
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Grayscale();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        plot.Axes.Frameless();
        plot.HideGrid();
        plot.Title("held-out images / reconstructions / samples from the model");
        return Plots.Save(plot, path, 2 * (columns * cell + gap) + 40, 2 * (rows.Length * cell + gap) + 60);
    }
}
