// The generated conversations live in @once/testing, where the logs' conformance suite
// uses them too; tests across the packages import them from here as well. Through the
// entry of that file alone: it runs anywhere, while the package's index pulls in Node.
export {
  type BlockSpec,
  blockSpecArbitrary,
  buildConversation,
  conversationArbitrary,
  idsFor,
  type TurnSpec,
  turnSpecArbitrary,
} from '@once/testing/conversation-script';
