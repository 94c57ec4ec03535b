using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>
/// Scaled dot-product attention with several heads and no mask or positions: each query attends to every
/// key, so the output is equivariant in the queries and invariant to the order of the keys.
/// </summary>
public sealed class MultiHeadAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear output;
    private readonly long _heads;

    /// <summary>Creates attention over width <paramref name="modelDimension"/> split into <paramref name="heads"/> heads.</summary>
    public MultiHeadAttention(string name, long modelDimension, long heads) : base(name)
    {
        if (modelDimension % heads != 0) throw new ArgumentException($"The model dimension {modelDimension} is not divisible by {heads} heads.");
        _heads = heads;
        query = nn.Linear(modelDimension, modelDimension);
        key = nn.Linear(modelDimension, modelDimension);
        value = nn.Linear(modelDimension, modelDimension);
        output = nn.Linear(modelDimension, modelDimension);
        RegisterComponents();
    }

    /// <summary>Sets the output projection to zero, so the block starts as the identity on the residual stream.</summary>
    public void ZeroOutputProjection()
    {
        using var ng = no_grad();
        output.weight!.zero_();
        output.bias!.zero_();
    }

    /// <summary>Attention of <paramref name="queries"/> [B, Tq, E] over <paramref name="memory"/> [B, Tk, E] (Tk ≥ 1).</summary>
    public override Tensor forward(Tensor queries, Tensor memory)
    {
        var b = queries.shape[0];
        var tq = queries.shape[1];
        var tk = memory.shape[1];
        var e = queries.shape[2];
        var hd = e / _heads;
        var q = query.forward(queries).view(b, tq, _heads, hd).transpose(1, 2);
        var k = key.forward(memory).view(b, tk, _heads, hd).transpose(1, 2);
        var v = value.forward(memory).view(b, tk, _heads, hd).transpose(1, 2);
        var att = q.matmul(k.transpose(-1, -2)).Times(1.0 / Math.Sqrt(hd)).softmax(-1);
        var o = att.matmul(v).transpose(1, 2).reshape(b, tq, e);
        return output.forward(o);
    }
}
