using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Language;

/// <summary>
/// Multi-head self-attention in which position t attends only to positions ≤ t, so that the logits at t are a
/// function of the prefix alone (what makes teacher-forced scoring equal step-by-step generation).
/// </summary>
public sealed class CausalSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear query_key_value;
    private readonly Linear output;
    private readonly int _heads;

    /// <summary>Attention over width <paramref name="width"/> split into <paramref name="heads"/> heads.</summary>
    public CausalSelfAttention(int width, int heads) : base(nameof(CausalSelfAttention))
    {
        _heads = heads;
        query_key_value = nn.Linear(width, 3 * width);
        output = nn.Linear(width, width);
        RegisterComponents();
    }

    /// <summary>[N, T, d] → [N, T, d].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var (n, t, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var headWidth = d / _heads;
        var qkv = query_key_value.forward(x).view(n, t, 3, _heads, headWidth).permute(2, 0, 3, 1, 4); // [3, N, H, T, dh]
        var (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        var scores = q.matmul(k.transpose(-2, -1)).Times(1.0 / Math.Sqrt(headWidth));
        var future = ones(t, t, ScalarType.Bool, device: x.device).triu(1);
        var attention = nn.functional.softmax(scores.MaskedFill(future, double.NegativeInfinity), -1);
        var mixed = attention.matmul(v).transpose(1, 2).reshape(n, t, d);
        return output.forward(mixed).MoveToOuterDisposeScope();
    }
}
