using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// Adam (Kingma and Ba 2015) over plain tensors. Self-contained rather than TorchSharp's optimiser so
/// that it works with any list of leaf tensors (a module's or a <see cref="ParameterStore"/>'s) and
/// so that its state goes into a checkpoint exactly.
/// </summary>
public sealed class AdamOptimizer
{
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly Tensor[] _m;
    private readonly Tensor[] _v;

    /// <summary>An optimiser for <paramref name="parameters"/> (leaf tensors that require gradients).</summary>
    public AdamOptimizer(IReadOnlyList<Tensor> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive.");
        _parameters = parameters;
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _m = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _v = parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Step size.</summary>
    public double LearningRate { get; set; }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Denominator guard.</summary>
    public double Epsilon { get; }

    /// <summary>Steps taken.</summary>
    public long Steps { get; private set; }

    /// <summary>Zeroes the parameters' gradients.</summary>
    public void ZeroGradients()
    {
        foreach (var p in _parameters) p.grad?.zero_();
    }

    /// <summary>One Adam step from the current gradients (parameters without a gradient are left alone).</summary>
    public void Step()
    {
        Steps++;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var c1 = 1 - Math.Pow(Beta1, Steps);
        var c2 = 1 - Math.Pow(Beta2, Steps);
        for (var k = 0; k < _parameters.Count; k++)
        {
            var g = _parameters[k].grad;
            if (g is null) continue;
            _m[k].MulInPlace(Beta1).AddInPlace(g, 1 - Beta1);
            _v[k].MulInPlace(Beta2).AddCMulInPlace(g, g, 1 - Beta2);
            var denom = _v[k].Over(c2).sqrt_().AddInPlace(Epsilon);
            _parameters[k].sub_((_m[k] / denom).Times(LearningRate / c1));
        }
    }

    /// <summary>Writes the step count and moments.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Steps);
        writer.Write(_m.Length);
        for (var k = 0; k < _m.Length; k++)
        {
            _m[k].Save(writer);
            _v[k].Save(writer);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote (for the same parameter list).</summary>
    public void Load(BinaryReader reader)
    {
        Steps = reader.ReadInt64();
        var count = reader.ReadInt32();
        if (count != _m.Length) throw new InvalidDataException($"The checkpoint has optimiser state for {count} parameters; this family has {_m.Length}.");
        using var _ = no_grad();
        for (var k = 0; k < count; k++)
        {
            using var m = Tensor.Load(reader);
            using var v = Tensor.Load(reader);
            _m[k].copy_(m);
            _v[k].copy_(v);
        }
    }
}
