using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Language;

/// <summary>One pre-layer-norm transformer block: x + attention(norm(x)), then + MLP(norm(x)).</summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm attention_norm;
    private readonly CausalSelfAttention attention;
    private readonly LayerNorm mlp_norm;
    private readonly Linear mlp_in;
    private readonly Linear mlp_out;

    /// <summary>A block of width <paramref name="width"/> with <paramref name="heads"/> heads and an MLP of width <paramref name="mlpWidth"/>.</summary>
    public TransformerBlock(int width, int heads, int mlpWidth) : base(nameof(TransformerBlock))
    {
        attention_norm = nn.LayerNorm(width);
        attention = new CausalSelfAttention(width, heads);
        mlp_norm = nn.LayerNorm(width);
        mlp_in = nn.Linear(width, mlpWidth);
        mlp_out = nn.Linear(mlpWidth, width);
        RegisterComponents();
    }

    /// <summary>[N, T, d] → [N, T, d].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x.Plus(attention.forward(attention_norm.forward(x)));
        var y = h.Plus(mlp_out.forward(nn.functional.gelu(mlp_in.forward(mlp_norm.forward(h)))));
        return y.MoveToOuterDisposeScope();
    }
}
