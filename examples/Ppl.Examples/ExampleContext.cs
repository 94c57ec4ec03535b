using System.Globalization;
using Spectre.Console;

namespace Ppl.Examples;

/// <summary>Command-line options and output helpers shared by the examples.</summary>
internal sealed class ExampleContext(IReadOnlyDictionary<string, string?> options, IAnsiConsole console)
{
    /// <summary>The console to write tables and progress to.</summary>
    public IAnsiConsole Console { get; } = console;

    /// <summary>The seed (<c>--seed</c>, default 1).</summary>
    public int Seed => Int("seed", 1);

    /// <summary>Where to write the example's plot (<c>--plot FILE</c>: PNG, or SVG for a .svg name), or null for none.</summary>
    public string? PlotPath => options.TryGetValue("plot", out var v)
        ? v ?? throw new ArgumentException("--plot expects a file name, e.g. --plot posterior.png.")
        : null;

    /// <summary>An integer option.</summary>
    public int Int(string name, int fallback) =>
        options.TryGetValue(name, out var v) && v is not null
            ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new ArgumentException($"--{name} expects an integer, got '{v}'.")
            : fallback;

    /// <summary>A floating-point option.</summary>
    public double Double(string name, double fallback) =>
        options.TryGetValue(name, out var v) && v is not null
            ? double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new ArgumentException($"--{name} expects a number, got '{v}'.")
            : fallback;

    /// <summary>A text option.</summary>
    public string String(string name, string fallback) =>
        options.TryGetValue(name, out var v) ? v ?? throw new ArgumentException($"--{name} expects a value.") : fallback;

    /// <summary>
    /// The device option (<c>--device cpu|cuda|cuda:N</c>, default <paramref name="fallback"/>); CUDA must be available
    /// (a build with a CUDA libtorch on a machine with a GPU, see <c>bench/gpu-check.sh</c>).
    /// </summary>
    public TorchSharp.torch.Device Device(string fallback = "cpu")
    {
        var name = String("device", fallback);
        TorchSharp.torch.Device device;
        try
        {
            device = TorchSharp.torch.device(name);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new ArgumentException($"--device expects cpu or cuda (cuda:N), got '{name}'.", e);
        }
        if (device.type == TorchSharp.DeviceType.CUDA && !TorchSharp.torch.cuda.is_available())
            throw new ArgumentException("--device cuda, but torch.cuda.is_available() is false: this build carries the CPU libtorch (see bench/gpu-check.sh).");
        return device;
    }

    /// <summary>The dtype option (<c>--dtype float32|float64</c>, default <paramref name="fallback"/>).</summary>
    public TorchSharp.torch.ScalarType DType(TorchSharp.torch.ScalarType fallback) =>
        options.TryGetValue("dtype", out var v)
            ? v switch
            {
                "float32" => TorchSharp.torch.ScalarType.Float32,
                "float64" => TorchSharp.torch.ScalarType.Float64,
                _ => throw new ArgumentException($"--dtype expects float32 or float64, got '{v}'."),
            }
            : fallback;

    /// <summary>True when a flag is present.</summary>
    public bool Flag(string name) => options.ContainsKey(name);

    /// <summary>Runs <paramref name="work"/> with a progress bar (plain lines when output is not a terminal).</summary>
    public T WithProgress<T>(string label, Func<IProgress<Ppl.Inference.Progress>, T> work)
    {
        T result = default!;
        Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(label, maxValue: 1.0);
                result = work(new Progress<Ppl.Inference.Progress>(p => task.Value = p.Fraction));
                task.Value = 1.0;
            });
        return result;
    }
}
