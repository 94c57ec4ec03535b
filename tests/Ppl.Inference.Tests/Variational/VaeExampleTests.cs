using Ppl.Examples;
using Spectre.Console;
using Xunit;

namespace Ppl.Inference.Tests.Variational;

/// <summary>The vae example, run tiny: it learns (the held-out ELBO rises far above the untrained one) and writes a PNG.</summary>
public class VaeExampleTests
{
    [Fact]
    public void Vae_example_learns_and_writes_its_image()
    {
        var path = Path.Combine(Path.GetTempPath(), $"vae-{Guid.NewGuid():N}.png");
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No });
        try
        {
            var r = VaeExample.Train(new VaeExample.Settings(Train: 400, Test: 100, Epochs: 3, Batch: 50, Seed: 3), path, console);
            Assert.Equal(3, r.TrainElbo.Count);
            Assert.Equal(3, r.TestElbo.Count);
            Assert.All(r.TestElbo, v => Assert.True(double.IsFinite(v) && v < 0, $"ELBO {v}"));
            // Untrained, the decoder puts about ½ on every pixel: 784·log 2 ≈ 543 nats per image. The pixel
            // frequencies alone are worth over 200 nats on these shapes, which 24 Adam steps mostly find.
            Assert.InRange(r.InitialTestElbo, -600, -500);
            Assert.True(r.TestElbo[^1] > r.InitialTestElbo + 150, $"held-out ELBO {r.TestElbo[^1]:F1} vs untrained {r.InitialTestElbo:F1}");
            Assert.True(r.TestElbo[^1] > r.TestElbo[0], $"held-out ELBO per epoch: {string.Join(", ", r.TestElbo)}");
            var bytes = File.ReadAllBytes(r.ImagePath!);
            Assert.True(bytes.Length > 1000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G');
            Assert.Contains("epoch   3", output.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
