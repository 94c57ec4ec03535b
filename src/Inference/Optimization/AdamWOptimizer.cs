using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Optimization;

/// <summary>
/// Ppl's one Adam: every trainer (DT, BRAIn, reward models, VI, the examples) steps with it.
/// TorchSharp's <c>optim.AdamW</c> update (and, with <c>weightDecay</c> 0, its <c>optim.Adam</c> update) step
/// for step, with amsgrad and maximize off, written with <see cref="TensorArithmetic"/> so that every
/// <see cref="Scalar"/> it passes to libtorch stays alive during the call. TorchSharp's own optimisers turn their
/// numbers (β₁, 1 − β₁, ε, the step size …) into temporary scalars that the finalizer thread may free while
/// libtorch still reads them when another thread is allocating (see <see cref="TensorArithmetic"/>).
/// </summary>
public sealed class AdamWOptimizer : IDisposable
{
    private readonly Tensor[] _parameters;
    private readonly Tensor[] _m;
    private readonly Tensor[] _v;
    private readonly long[] _steps;

    /// <summary>An optimiser for <paramref name="parameters"/> (leaf tensors that require gradients).</summary>
    /// <param name="parameters">The tensors to update.</param>
    /// <param name="learningRate">The step size (settable between steps, e.g. by a schedule).</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="epsilon">Denominator guard.</param>
    /// <param name="weightDecay">Decoupled weight decay: each step multiplies a parameter by 1 − learningRate × weightDecay (0: Adam).</param>
    public AdamWOptimizer(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be non-negative.");
        if (!(weightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be non-negative.");
        _parameters = parameters.ToArray();
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        _m = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _v = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _steps = new long[_parameters.Length];
    }

    /// <summary>Step size.</summary>
    public double LearningRate { get; set; }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Denominator guard.</summary>
    public double Epsilon { get; }

    /// <summary>Decoupled weight decay (0: Adam).</summary>
    public double WeightDecay { get; }

    /// <summary>Zeroes the parameters' gradients (as TorchSharp's <c>zero_grad</c>: a gradient stays allocated, at 0).</summary>
    public void ZeroGradients()
    {
        foreach (var p in _parameters)
        {
            using var grad = p.grad;
            grad?.zero_();
        }
    }

    /// <summary>One step from the current gradients; a parameter without a gradient is left alone (its step count too).</summary>
    public void Step()
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        for (var k = 0; k < _parameters.Length; k++)
        {
            var p = _parameters[k];
            var grad = p.grad;
            if (grad is null) continue;
            var step = ++_steps[k];
            if (WeightDecay != 0) p.MulInPlace(1 - LearningRate * WeightDecay);
            var biasCorrection1 = 1 - Math.Pow(Beta1, step);
            var biasCorrection2 = 1 - Math.Pow(Beta2, step);
            _m[k].MulInPlace(Beta1).AddInPlace(grad, 1 - Beta1);
            _v[k].MulInPlace(Beta2).AddCMulInPlace(grad, grad, 1 - Beta2);
            var denom = _v[k].sqrt().Over(Math.Sqrt(biasCorrection2)).AddInPlace(Epsilon);
            p.AddCDivInPlace(_m[k], denom, -(LearningRate / biasCorrection1));
        }
    }

    /// <summary>Steps taken (by the first parameter that has had a gradient; all parameters usually step together).</summary>
    public long Steps => _steps.Length == 0 ? 0 : _steps.Max();

    /// <summary>Writes the step counts and moments (a checkpoint resumes exactly where the run was).</summary>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(_parameters.Length);
        for (var k = 0; k < _parameters.Length; k++)
        {
            writer.Write(_steps[k]);
            _m[k].Save(writer);
            _v[k].Save(writer);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote, for the same parameter list.</summary>
    public void Load(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var count = reader.ReadInt32();
        if (count != _parameters.Length)
            throw new InvalidDataException($"The checkpoint has optimiser state for {count} parameters; this optimiser has {_parameters.Length}.");
        using var _ = no_grad();
        for (var k = 0; k < count; k++)
        {
            _steps[k] = reader.ReadInt64();
            using var m = Tensor.Load(reader);
            using var v = Tensor.Load(reader);
            _m[k].copy_(m);
            _v[k].copy_(v);
        }
    }

    /// <summary>Frees the moment estimates.</summary>
    public void Dispose()
    {
        foreach (var t in _m) t.Dispose();
        foreach (var t in _v) t.Dispose();
    }
}
