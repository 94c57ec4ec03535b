using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>Linear → GELU → Linear: the embedding, conversion and de-embedding networks of the Distribution Transformer.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear input;
    private readonly Linear output;

    /// <summary>Creates the network.</summary>
    public Mlp(string name, long inputSize, long hidden, long outputSize) : base(name)
    {
        input = nn.Linear(inputSize, hidden);
        output = nn.Linear(hidden, outputSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => output.forward(nn.functional.gelu(input.forward(x)));
}
