using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>
/// One post-norm Transformer decoder block: self-attention among the component tokens (not causal),
/// cross-attention from them to the observation tokens, and a GELU feed-forward network, each with a
/// residual connection followed by layer normalisation. The self-attention and feed-forward output
/// projections start at zero.
/// </summary>
public sealed class DecoderLayer : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly MultiHeadAttention selfAttention;
    private readonly MultiHeadAttention crossAttention;
    private readonly Linear ffIn;
    private readonly Linear ffOut;
    private readonly LayerNorm norm1;
    private readonly LayerNorm norm2;
    private readonly LayerNorm norm3;

    /// <summary>Creates the block.</summary>
    public DecoderLayer(string name, long modelDimension, long heads, long feedForward) : base(name)
    {
        selfAttention = new MultiHeadAttention("self", modelDimension, heads);
        crossAttention = new MultiHeadAttention("cross", modelDimension, heads);
        ffIn = nn.Linear(modelDimension, feedForward);
        ffOut = nn.Linear(feedForward, modelDimension);
        norm1 = nn.LayerNorm(modelDimension);
        norm2 = nn.LayerNorm(modelDimension);
        norm3 = nn.LayerNorm(modelDimension);
        RegisterComponents();
        selfAttention.ZeroOutputProjection();
        using var ng = no_grad();
        ffOut.weight!.zero_();
        ffOut.bias!.zero_();
    }

    /// <summary>
    /// Updates the tokens <paramref name="x"/> [B, K, E] given the observation tokens <paramref name="memory"/>
    /// [B, N, E]; with no observations (null or N = 0) the cross-attention step is skipped, since there is
    /// nothing to attend to, and the step adds zero.
    /// </summary>
    public override Tensor forward(Tensor x, Tensor? memory)
    {
        x = norm1.forward(x.Plus(selfAttention.forward(x, x)));
        // The normalisation runs either way so that the no-observation path is the same function with a
        // zero cross-attention contribution (what attention over an empty set should add).
        x = norm2.forward(memory is not null && memory.shape[1] > 0 ? x.Plus(crossAttention.forward(x, memory)) : x);
        return norm3.forward(x.Plus(ffOut.forward(nn.functional.gelu(ffIn.forward(x)))));
    }
}
